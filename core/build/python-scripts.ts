/**
 * Small Python programs the build phase runs with the service's venv interpreter (`python -c`), so
 * results come back as JSON instead of being scraped from human-readable output.
 */

/**
 * argv[1]: JSON list of `{line, text}` requirement lines. Prints, per line, whether the installed
 * distributions satisfy it. Only the named requirements are checked, not their own pins — see
 * `installRequirements` for why.
 */
export const CHECK_REQUIREMENTS = `
import json, sys
from importlib import metadata
try:
    from packaging.requirements import Requirement, InvalidRequirement
except ImportError:
    from pip._vendor.packaging.requirements import Requirement, InvalidRequirement

def problem_with(name, specifier):
    try:
        version = metadata.version(name)
    except metadata.PackageNotFoundError:
        return "not installed"
    if specifier and not specifier.contains(version, prereleases=True):
        return "%s %s is installed, %s is required" % (name, version, specifier)
    return None

results = []
for item in json.loads(sys.argv[1]):
    entry = {"line": item["line"], "requirement": item["text"]}
    results.append(entry)
    try:
        req = Requirement(item["text"])
    except InvalidRequirement as error:
        entry.update(status="invalid", detail=str(error))
        continue
    if req.url:
        entry.update(status="invalid", detail="direct URL requirements are not allowed")
        continue
    if req.marker is not None and not req.marker.evaluate():
        entry.update(status="not-applicable", detail="its environment marker does not apply")
        continue
    problem = problem_with(req.name, req.specifier)
    if problem is None and req.extras:
        for dependency in metadata.requires(req.name) or []:
            dep = Requirement(dependency)
            if dep.marker is None or dep.marker.evaluate({"extra": ""}):
                continue
            if any(dep.marker.evaluate({"extra": extra}) for extra in req.extras):
                problem = problem_with(dep.name, dep.specifier)
                if problem:
                    problem = "extra [%s] needs %s: %s" % (",".join(sorted(req.extras)), dep.name, problem)
                    break
    if problem is None:
        entry.update(status="satisfied", detail="%s %s" % (req.name, metadata.version(req.name)))
    else:
        entry.update(status="missing", detail=problem)
print(json.dumps(results))
`;

/** argv[1:]: module names. Imports each; a failure prints the traceback and exits 1. */
export const IMPORT_MODULES = `
import importlib, sys
for name in sys.argv[1:]:
    importlib.import_module(name)
`;

/**
 * argv[1]: where to write the JSON report; argv[2:]: pytest's arguments. Runs pytest in-process with
 * a plugin that records every test's outcome, location and failure output, which is exact where
 * parsing pytest's terminal output or JUnit XML is not.
 */
export const RUN_PYTEST = String.raw`
import json, sys
import pytest

class Recorder:
    def __init__(self):
        self.results = {}

    def entry(self, report):
        nodeid = report.nodeid or "(collection)"
        if nodeid not in self.results:
            location = getattr(report, "location", None) or (str(getattr(report, "fspath", "")), None, None)
            line = location[1]
            self.results[nodeid] = {
                "name": nodeid,
                "outcome": "passed",
                "file": str(location[0]),
                "line": line + 1 if isinstance(line, int) else None,
                "output": "",
            }
        return self.results[nodeid]

    def add_output(self, entry, report):
        text = report.longreprtext or ""
        for title, content in report.sections:
            text += "\n----- %s -----\n%s" % (title, content)
        entry["output"] = (entry["output"] + "\n" + text).strip()

    def pytest_collectreport(self, report):
        if report.failed:
            entry = self.entry(report)
            entry["outcome"] = "error"
            self.add_output(entry, report)

    def pytest_runtest_logreport(self, report):
        entry = self.entry(report)
        if report.when == "call":
            if report.failed and entry["outcome"] != "error":
                entry["outcome"] = "failed"
            elif report.skipped and entry["outcome"] == "passed":
                entry["outcome"] = "skipped"
        elif report.failed:
            entry["outcome"] = "error"
        elif report.skipped and report.when == "setup":
            entry["outcome"] = "skipped"
        if report.failed:
            self.add_output(entry, report)

recorder = Recorder()
code = int(pytest.main(sys.argv[2:], plugins=[recorder]))
with open(sys.argv[1], "w") as out:
    json.dump({"exit_code": code, "tests": list(recorder.results.values())}, out)
sys.exit(code)
`;
