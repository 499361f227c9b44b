"""Tool messages: one line, without kubectl's log prefix or the wrapper kustomization's layer."""

from __future__ import annotations

import sys
import time

from mclint.render.tools import complaint, run_tool


def test_kubectl_klog_prefix_and_wrapper_layer_are_removed():
    stderr = (
        b'E1125 07:50:36.084071   15353 run.go:72] "command failed" err="accumulating resources: '
        b"accumulation err='accumulating resources from '../app': '/x/app' must resolve to a file': "
        b"recursed accumulation of path '/x/app': accumulating resources from 'gone.yaml': no such file\"\n"
    )
    assert complaint(stderr) == "accumulating resources from 'gone.yaml': no such file"


def test_long_messages_keep_head_and_tail():
    message = complaint(b"Error: " + b"a" * 500 + b" must specify --enable-helm")
    assert message.startswith("a" * 220 + " … ") and message.endswith("must specify --enable-helm")
    assert len(message) == 220 + 3 + 170


def test_timeout_and_missing_tool_are_messages_not_exceptions(tmp_path):
    slow = run_tool([sys.executable, "-c", "import time; time.sleep(5)"], timeout=1)
    assert (slow.ok, slow.message) == (False, "timed out after 1 s")
    missing = run_tool([str(tmp_path / "no-such-tool")])
    assert missing.ok is False and missing.message.startswith(f"cannot run {tmp_path / 'no-such-tool'}: ")


SPAWNS_A_SLEEPER = """\
import subprocess, sys, time
child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
open(sys.argv[1], "w").write(str(child.pid))
time.sleep(60)
"""


def _alive(pid: int) -> bool:
    """Running (a zombie waiting for a parent that does not reap is not running)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def test_a_timeout_stops_the_whole_process_group(tmp_path):
    """What the renderer started (a git fetch, say) goes with it, not only the renderer."""
    pid_file = tmp_path / "pid"
    run = run_tool([sys.executable, "-c", SPAWNS_A_SLEEPER, str(pid_file)], timeout=3)
    assert (run.ok, run.message, run.finished) == (False, "timed out after 3 s", False)
    grandchild = int(pid_file.read_text())
    for _ in range(50):  # the kill is sent; the process may take a moment to go
        if not _alive(grandchild):
            break
        time.sleep(0.1)
    assert not _alive(grandchild)


def test_output_past_the_limit_stops_the_run(tmp_path):
    run = run_tool([sys.executable, "-c", "import sys; sys.stdout.write('x' * 100_000)"], max_output=1000)
    assert (run.ok, run.stdout, run.finished) == (False, b"", False)
    assert run.message == "printed more than 1,000 bytes: stopped"


def test_a_renderer_runs_with_git_allowed_no_transport():
    run = run_tool([sys.executable, "-c", "import os; print(repr(os.environ.get('GIT_ALLOW_PROTOCOL')))"])
    assert run.ok and run.stdout.strip() == b"''"


def test_stdout_and_the_tail_of_stderr_come_back(tmp_path):
    script = "import sys; sys.stdout.write('out'); sys.stderr.write('e' * 200_000 + 'the end'); sys.exit(3)"
    run = run_tool([sys.executable, "-c", script])
    assert (run.ok, run.stdout) == (False, b"out")
    assert run.stderr.endswith(b"the end") and len(run.stderr) <= 64 * 1024


def test_a_stop_that_comes_while_a_renderer_starts_kills_it_too(monkeypatch):
    """SIGTERM's handler may run the moment a build thread's renderer has started and before the
    thread records it: the handler must still kill it, since mclint dies right after."""
    import subprocess
    import threading

    from mclint.render import tools

    real_popen = subprocess.Popen
    stopped_in_time: list[bool] = []

    def popen_then_stop(*args, **kwargs):
        process = real_popen(*args, **kwargs)
        stopper = threading.Thread(target=tools.stop_all)
        stopper.start()
        stopper.join(0.5)  # the handler, in another thread, as the main thread's would be
        stopped_in_time.append(not stopper.is_alive())
        return process

    monkeypatch.setattr(subprocess, "Popen", popen_then_stop)
    start = time.monotonic()
    try:
        run = run_tool([sys.executable, "-c", "import time; time.sleep(60)"], timeout=20)
    finally:
        tools._STOPPING.clear()
    assert time.monotonic() - start < 10  # killed by the stop, not by the timeout
    assert (run.ok, run.message) != (False, "timed out after 20 s")
    assert stopped_in_time == [False]  # the stop waited for the start to be recorded
