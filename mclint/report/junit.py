"""JUnit XML: a testcase per object, failed by its findings, an error per unreadable file.

The shape (testsuites > testsuite with tests/failures/errors counts) is what GitLab's and
Jenkins' JUnit viewers read. A testcase fails once, however many findings it has (its one failure
lists them all), so no suite reports more failures than tests.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator
from itertools import groupby
from typing import TextIO

from mclint.finding import Finding, ObjectRef
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
    objects = failed = 0
    for _, found in object_findings(report.result.objects, report.findings):
        objects += 1
        failed += bool(found)
    errors = len(report.result.errors)
    return {"tests": str(objects + errors), "failures": str(failed), "errors": str(errors)}


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


def _failure(case: ET.Element, found: list[Finding]) -> None:
    """One failure for the testcase: the most severe finding's message and rule, every finding in its text."""
    first = max(found, key=lambda f: f.severity)
    more = f" (and {len(found) - 1} more finding(s))" if len(found) > 1 else ""
    failure = ET.SubElement(case, "failure", message=first.message + more, type=first.rule_id)
    failure.text = "\n\n".join(
        f"{f.file}:{f.line}:{f.column} {f.severity.label} {f.rule_id}\n{f.message}\nfield: {f.field}\nfix: {f.remediation}"
        for f in found
    )


def _suite(file: str, pairs: list) -> ET.Element:
    suite = ET.Element("testsuite", name=file)
    failures = 0
    for obj, found in pairs:
        case = ET.SubElement(suite, "testcase", classname=file, name=obj.label)
        if found:
            _failure(case, found)
            failures += 1
    suite.set("tests", str(len(pairs)))
    suite.set("failures", str(failures))
    suite.set("errors", "0")
    return suite
