"""Tool messages: one line, without kubectl's log prefix or the wrapper kustomization's layer."""

from __future__ import annotations

import sys

from mclint.render.tools import _complaint, run_tool


def test_kubectl_klog_prefix_and_wrapper_layer_are_removed():
    stderr = (
        b'E1125 07:50:36.084071   15353 run.go:72] "command failed" err="accumulating resources: '
        b"accumulation err='accumulating resources from '../app': '/x/app' must resolve to a file': "
        b"recursed accumulation of path '/x/app': accumulating resources from 'gone.yaml': no such file\"\n"
    )
    assert _complaint(stderr) == "accumulating resources from 'gone.yaml': no such file"


def test_long_messages_keep_head_and_tail():
    message = _complaint(b"Error: " + b"a" * 500 + b" must specify --enable-helm")
    assert message.startswith("a" * 220 + " … ") and message.endswith("must specify --enable-helm")
    assert len(message) == 220 + 3 + 170


def test_timeout_and_missing_tool_are_messages_not_exceptions(tmp_path):
    slow = run_tool([sys.executable, "-c", "import time; time.sleep(5)"], timeout=1)
    assert (slow.ok, slow.message) == (False, "timed out after 1 s")
    missing = run_tool([str(tmp_path / "no-such-tool")])
    assert missing.ok is False and missing.message.startswith(f"cannot run {tmp_path / 'no-such-tool'}: ")
