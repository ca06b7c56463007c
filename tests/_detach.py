"""Run by a process named like an agent: start a command so that no ancestry check can see the agent.

argv[1] is a JSON spec: {"how": setsid | script | nohup | tmux | screen, "cmds": [[...], …], "out": path,
"env": {...}, "stdin": "...", "tmux_socket": path}. The first child detaches (`setsid`, except for
nohup), forks again and exits, so the command is re-parented to init; its environment is cleared to
`env`. A small runner runs the commands one after the other and writes their results to `out`, as
JSON [{"argv", "rc", "out", "err"}, …].
"""
import json
import os
import shlex
import signal
import sys

spec = json.loads(sys.argv[1])
RUNNER = ("import json,subprocess,sys; spec=json.loads(sys.argv[1]); res=[]\n"
          "for argv in spec['cmds']:\n"
          "    r=subprocess.run(argv, input=spec['stdin'], capture_output=True, text=True, timeout=60)\n"
          "    res.append({'argv': argv, 'rc': r.returncode, 'out': r.stdout, 'err': r.stderr})\n"
          "tmp=spec['out']+'.tmp'; json.dump(res, open(tmp,'w')); __import__('os').replace(tmp, spec['out'])")
runner = [spec["python"], "-c", RUNNER, json.dumps(spec)]  # not the agent-named interpreter running us
how = spec["how"]

if os.fork():
    os.wait()  # the agent waits only for the first child, which exits at once
    sys.exit(0)
if how != "nohup":
    os.setsid()
else:
    signal.signal(signal.SIGHUP, signal.SIG_IGN)  # what nohup does; the command keeps the agent's terminal
if os.fork():
    os._exit(0)  # the command is now an orphan: re-parented to init / a subreaper
devnull = os.open(os.devnull, os.O_RDWR)
for fd in (0, 1, 2):
    if how != "nohup":  # nohup keeps the terminal as stdin: only output goes elsewhere
        os.dup2(devnull, fd)
    elif fd:
        os.dup2(devnull, fd)
env = spec["env"]
if how in ("setsid", "nohup"):
    os.execve(runner[0], runner, env)
if how == "script":  # a terminal of its own: script(1) holds the master side
    os.execve("/usr/bin/script", ["script", "-qec", shlex.join(runner), "/dev/null"], env)
if how == "tmux":  # a multiplexer session nobody is attached to (maybe in the human's own tmux server)
    sock = spec.get("tmux_socket") or os.path.join(os.path.dirname(spec["out"]), "agent-tmux.sock")
    cmd = spec.get("tmux_cmd") or ["new-session", "-d"]
    os.execve("/usr/bin/tmux", ["tmux", "-S", sock, *cmd, shlex.join(runner)], env)
if how == "screen":
    os.execve("/usr/bin/screen", ["screen", "-dmS", "agent-" + str(os.getpid()), *runner], env)
os._exit(2)
