"""JUnit XML: a testcase per object, a failure per finding, an error per unreadable file.

The shape (testsuites > testsuite with tests/failures/errors counts) is what GitLab's and
Jenkins' JUnit viewers read.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from itertools import groupby
from typing import TextIO

from mclint.finding import ObjectRef
from mclint.report import Report


def _object_label(obj) -> str:
    name = f"{obj.namespace}/{obj.name}" if obj.namespace else obj.name or "(unnamed)"
    return f"{obj.kind} {name}"


def junit_tree(report: Report) -> ET.Element:
    by_object: dict[ObjectRef, list] = {}
    for finding in report.findings:
        by_object.setdefault(finding.obj, []).append(finding)
    root = ET.Element("testsuites", name="mclint")
    total = failures = 0
    # every object once, including any that only a finding names (a chart's pseudo-object, say)
    seen = dict.fromkeys([*report.result.objects, *by_object])
    ordered = sorted(seen, key=lambda o: (o.file, o.document, o.line, o.kind, o.namespace, o.name))
    for file, objects in groupby(ordered, key=lambda o: o.file):
        suite = ET.SubElement(root, "testsuite", name=file)
        cases = suite_failures = 0
        for obj in objects:
            case = ET.SubElement(suite, "testcase", classname=file, name=_object_label(obj))
            cases += 1
            for finding in by_object.get(obj, []):
                failure = ET.SubElement(case, "failure", message=finding.message, type=finding.rule_id)
                failure.text = (
                    f"{finding.file}:{finding.line}:{finding.column} {finding.severity.label} {finding.rule_id}\n"
                    f"{finding.message}\nfield: {finding.field}\nfix: {finding.remediation}"
                )
                suite_failures += 1
        suite.set("tests", str(cases))
        suite.set("failures", str(suite_failures))
        suite.set("errors", "0")
        total += cases
        failures += suite_failures
    errors = report.result.errors
    if errors:
        suite = ET.SubElement(root, "testsuite", name="mclint: unreadable input")
        for error in errors:
            where = f"{error.file}:{error.line}:{error.column}" if error.line else error.file
            case = ET.SubElement(suite, "testcase", classname=error.file, name=f"parse {error.file}")
            ET.SubElement(case, "error", message=error.message, type="parse-error").text = f"{where}: {error.message}"
        suite.set("tests", str(len(errors)))
        suite.set("failures", "0")
        suite.set("errors", str(len(errors)))
    root.set("tests", str(total + len(errors)))
    root.set("failures", str(failures))
    root.set("errors", str(len(errors)))
    return root


def write(report: Report, stream: TextIO, **_: object) -> None:
    tree = junit_tree(report)
    ET.indent(tree)
    stream.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    stream.write(ET.tostring(tree, encoding="unicode"))
    stream.write("\n")
