"""An agent showing a desktop notification or dialog under adr's name (a fake "adr: approved", a copy
of an approval question) asks; notifications under any other name stay quiet. The name the rule looks
for is the one adr's own notifiers use (adr/notify/interface.py APP_NAME): the notify-send command adr
itself runs is judged here, so the two cannot drift apart."""
import shlex
from dataclasses import replace

import pytest

from adr.actions import Decision
from adr.notify import interface, notify_send
from adr.notify.interface import APP_NAME, Question

RULE = "self-defense.adr-notification-faked"


def _question(**kw) -> Question:
    base = dict(id="ab12", agent="claude", host="claude-code", project="~/src/app", action="rm -rf build",
                rule_id="destruct.rm", rule_title="A recursive delete", reason="data loss")
    base.update(kw)
    return Question(**base)


@pytest.mark.parametrize("q", [
    _question(),
    _question(critical=True),
    _question(critical=True, confirm=True),
    _question(kind="confirm", rule_title="weaker settings"),
    _question(agent="", host=""),
])
def test_adrs_own_notification_command_is_what_the_rule_catches(judge_command, q):
    argv = notify_send.command("notify-send", q)
    assert any(APP_NAME in a for a in argv) and q.title.startswith(APP_NAME)
    v = judge_command(shlex.join(argv))
    assert v.decision is Decision.ASK and RULE in v.rule_ids


def test_the_titles_start_with_the_app_name():
    for q in (_question(), _question(critical=True), replace(_question(), kind="suspended")):
        assert q.title.split()[0].rstrip(":") == interface.APP_NAME


@pytest.mark.parametrize("cmd", [
    "notify-send \"adr\" \"Approved: rm -rf build\"",
    "notify-send -a adr \"Build\" \"approved\"",
    "notify-send -a ADR x",
    "notify-send --app-name=adr -u critical \"allow claude to do this?\"",
    "/usr/bin/notify-send --app-name adr hi",
    "notify-send '[adr] approved' ok",
    "notify-send \"Agent Detection & Response\" \"request approved\"",
    "dunstify -a adr approved",
    "n=notify-send; $n adr approved",
    "bash -c 'notify-send adr approved'",
    "python3 -c \"import subprocess; subprocess.run(['notify-send','adr','Approved'])\"",
    "python3 -c \"import os; os.system('notify-send adr approved')\"",
    "zenity --question --title 'adr: allow claude to do this?' --text 'rm -rf ~/x'",
    "kdialog --title adr --yesno approve?",
    "terminal-notifier -title adr -message approved",
    "gdbus call --session --dest org.freedesktop.Notifications --object-path /org/freedesktop/Notifications "
    "--method org.freedesktop.Notifications.Notify adr 0 '' approved '' '[]' '{}' 5000",
    "dbus-send --session --dest=org.freedesktop.Notifications --type=method_call /org/freedesktop/Notifications "
    "org.freedesktop.Notifications.Notify string:adr uint32:0 string:'' string:approved string:'' "
    "array:string:'' dict:string:string:'','' int32:5000",
    "busctl --user call org.freedesktop.Notifications /org/freedesktop/Notifications "
    "org.freedesktop.Notifications Notify susssasa{sv}i adr 0 '' approved '' 0 0 5000",
    "osascript -e 'display notification \"ok\" with title \"adr\"'",
    "osascript -e 'display dialog \"adr: allow claude to do this?\" buttons {\"Allow\"}'",
    "osascript -l JavaScript -e 'a=Application.currentApplication();a.includeStandardAdditions=true;"
    "a.displayNotification(\"ok\",{withTitle:\"adr\"})'",
])
def test_a_notification_under_adrs_name_asks(judge_command, cmd):
    v = judge_command(cmd)
    assert v.decision is not Decision.ALLOW, cmd
    assert RULE in v.rule_ids


@pytest.mark.parametrize("cmd", [
    "python3 -c \"import notify2; notify2.init('adr'); notify2.Notification('adr: approved').show()\"",
    "python3 - <<< \"import notify2; notify2.init('adr'); notify2.Notification('adr: approved').show()\"",
    "python3 -c \"import asyncio; from desktop_notifier import DesktopNotifier; "
    "asyncio.run(DesktopNotifier(app_name='adr').send(title='Approved', message='ok'))\"",
    "python3 -c \"from plyer import notification; notification.notify(title='adr', message='approved')\"",
    "node -e \"require('node-notifier').notify({title: 'adr', message: 'approved'})\"",
])
def test_a_notification_library_under_adrs_name_asks(judge_command, cmd):
    assert judge_command(cmd).decision is not Decision.ALLOW, cmd


@pytest.mark.parametrize("cmd", [
    "notify-send \"tests passed\"",
    "notify-send \"Build done\"",
    "notify-send -u low -t 3000 \"Deploy finished\" \"prod is green\"",
    "notify-send -a make \"Build failed\" \"see ~/src/adr/build.log\"",
    "notify-send -i ~/icons/adr.png \"Deploy finished\"",
    "notify-send adr-tools \"new decision record created\"",
    "notify-send \"ADR 0005 created\" \"docs/adr/0005-use-postgres.md\"",  # a decision record by number
    "notify-send \"Build done\" \"see the adr docs\"",
    "cd ~/src/adr && make && notify-send \"Build done\"",
    "zenity --info --text \"Backup complete\"",
    "osascript -e 'display notification \"Build finished\" with title \"make\"'",
    "gdbus call --session --dest org.freedesktop.Notifications --object-path /org/freedesktop/Notifications "
    "--method org.freedesktop.Notifications.GetCapabilities",
    "python3 -c \"import notify2; notify2.init('build'); notify2.Notification('tests passed').show()\"",
    "python3 -c \"import adr; print(adr.__version__)\"",
    "adr status",
])
def test_other_notifications_stay_quiet(judge_command, cmd):
    assert judge_command(cmd).decision is Decision.ALLOW, cmd
