"""Synthetic key presses and clicks can press an open approval's button for the agent: every spelling
asks (self-defense.synthetic-input, …-in-code); looking at windows stays quiet."""
from __future__ import annotations

import pytest

from adr.actions import Decision


@pytest.mark.parametrize("cmd", [
    "xdotool key Return",
    "xdotool search --name 'adr' windowactivate key Return",
    "xdotool search --onlyvisible --class dunst windowfocus --sync click 1",
    "xdotool getactivewindow key --clearmodifiers Return",
    "xdotool search --name adr type y",
    "echo 'key Return' | xdotool -",
    "xdotool /tmp/press.xdo",
    "env DISPLAY=:0 xdotool key Return",
    "bash -c 'xdotool key Return'",
    "ydotool click 0xC0",
    "wtype -k Return",
    "python3 -c \"import pyautogui; pyautogui.press('enter')\"",
    "python3 -c \"from pynput.keyboard import Controller, Key; Controller().press(Key.enter)\"",
    "python3 -c \"import keyboard; keyboard.send('enter')\"",
    "node -e \"require('robotjs').keyTap('enter')\"",
    "osascript -e 'tell application \"System Events\" to click button \"Allow\" of window 1'",
    # typing into another terminal: its remote control, or the TIOCSTI ioctl
    "kitty @ send-text --match title:adr y",
    "kitten @ send-text --match id:1 1",
    "wezterm cli send-text --pane-id 1 y",
    "zellij action write-chars y",
    "python3 -c \"import fcntl,termios; f=open('/dev/pts/1','w'); [fcntl.ioctl(f, termios.TIOCSTI, c) for c in 'y']\"",
    "perl -e 'ioctl(STDOUT, 0x5412, $_) for split //, \"y\"'",
])
def test_pressing_for_the_user_asks(judge_command, cmd):
    v = judge_command(cmd)
    assert v.decision is not Decision.ALLOW, (cmd, v.rule_ids)
    assert any(r.startswith("self-defense.synthetic-input") for r in v.rule_ids), v.rule_ids


@pytest.mark.parametrize("cmd", [
    "xdotool getactivewindow getwindowname",
    "xdotool search --name Firefox",
    "xdotool search --name Firefox getwindowpid",
    "xdotool getmouselocation --shell",
    "python3 -c \"import pyautogui; print(pyautogui.size())\"",
    "osascript -e 'display notification \"build done\"'",
    "kitty @ ls",
    "wezterm cli list",
])
def test_looking_at_windows_stays_quiet(judge_command, cmd):
    v = judge_command(cmd)
    assert v.decision is Decision.ALLOW, (cmd, v.rule_ids)
