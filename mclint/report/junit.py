"""JUnit XML: a testcase per object, a failure per finding, an error per unreadable file.

The shape (testsuites > testsuite with tests/failures/errors counts) is what GitLab's and
Jenkins' JUnit viewers read.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator
from itertools import groupby
from typing import TextIO

from mclint.finding import ObjectRef
from mclint.finding.grouping import object_findings
from mclint.report import escape
from mclint.result import Report


def write(report: Report, stream: TextIO, **_: object) -> None:
    """A testsuite at a time, objects and findings read from the spools: memory stays flat."""
    stream.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    head = ET.tostring(ET.Element("testsuites", name="mclint", **_totals(report)), encoding="unicode")
    opened = False
    for suite in _suites(report):
        if not opened:
            stream.write(head[: -len(" />")] + ">")
            opened = True
        _well_formed(suite)
        ET.indent(suite, level=1)
        suite.tail = None
        stream.write("\n  " + ET.tostring(suite, encoding="unicode"))
    stream.write("\n</testsuites>\n" if opened else head + "\n")


def _well_formed(element: ET.Element) -> None:
    """Characters XML 1.0 cannot hold (a control character in a value) shown as escapes, so the
    document stays well-formed."""
    for node in element.iter():
        node.attrib.update((key, escape.xml(value)) for key, value in node.attrib.items())
        if node.text:
            node.text = escape.xml(node.text)


def _totals(report: Report) -> dict[str, str]:
    """The root's counts, known before any suite is written (one pass to count the objects)."""
    objects = sum(1 for _ in object_findings(report.result.objects, report.findings))
    errors = len(report.result.errors)
    return {"tests": str(objects + errors), "failures": str(len(report.findings)), "errors": str(errors)}


def _suites(report: Report) -> Iterator[ET.Element]:
    # every object once, including any that only a finding names (a chart's pseudo-object, say)
    pairs = object_findings(report.result.objects, report.findings)
    for file, group in groupby(pairs, key=lambda pair: pair[0].file):
        yield _suite(file, sorted(group, key=lambda pair: _case_order(pair[0])))
    errors = report.result.errors
    if errors:
        suite = ET.Element("testsuite", name="mclint: unreadable input")
        for error in errors:
            where = f"{error.file}:{error.line}:{error.column}" if error.line else error.file
            case = ET.SubElement(suite, "testcase", classname=error.file, name=f"parse {error.file}")
            ET.SubElement(case, "error", message=error.message, type="parse-error").text = f"{where}: {error.message}"
        suite.set("tests", str(len(errors)))
        suite.set("failures", "0")
        suite.set("errors", str(len(errors)))
        yield suite


def _case_order(obj: ObjectRef) -> tuple:
    return (obj.file, obj.document, obj.line, obj.kind, obj.namespace, obj.name)


def _suite(file: str, pairs: list) -> ET.Element:
    suite = ET.Element("testsuite", name=file)
    failures = 0
    for obj, found in pairs:
        case = ET.SubElement(suite, "testcase", classname=file, name=obj.label)
        for finding in found:
            failure = ET.SubElement(case, "failure", message=finding.message, type=finding.rule_id)
            failure.text = (
                f"{finding.file}:{finding.line}:{finding.column} {finding.severity.label} {finding.rule_id}\n"
                f"{finding.message}\nfield: {finding.field}\nfix: {finding.remediation}"
            )
            failures += 1
    suite.set("tests", str(len(pairs)))
    suite.set("failures", str(failures))
    suite.set("errors", "0")
    return suite
