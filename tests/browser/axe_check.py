"""axe-core on every page a browser test loads (axe-playwright-python bundles axe-core).

`AxeWatch(page)` listens to the page's "load" event and runs axe once per URL on the page as
it was loaded (a form re-rendered with its errors included). The test goes on while axe runs:
when the test has already left the page (axe's context was destroyed by the navigation), the
URL is checked again at the end on a fresh tab of the same browser context (same session).
`finish()` waits for the checks still running and raises AssertionError naming each URL, rule
and node with a violation. Only HTML documents are checked (not a photo or a calendar file).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from axe_playwright_python.base import AXE_SCRIPT

# Rules of axe's default set; none is disabled. A true false positive would be excluded here,
# by rule and CSS selector of the one node, with the reason beside it.
EXCLUDED_NODES: dict[str, tuple[str, ...]] = {}
RUN_AXE = """async () => {
  if (document.contentType !== "text/html") return null;
  const results = await axe.run(document, {resultTypes: ["violations"]});
  return results.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map(n => n.target.join(" ") + " " + n.html.slice(0, 160)),
    targets: v.nodes.map(n => n.target.join(" ")),
  }));
}"""
WAIT_STEP_MS = 50
WAIT_LIMIT_MS = 20_000


@dataclass
class AxeWatch:
    page: Any
    checked: set[str] = field(default_factory=set)
    to_revisit: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    running: int = 0

    def __post_init__(self) -> None:
        self.page.on("load", self._on_load)

    def _on_load(self, tab: Any) -> None:
        url = tab.url
        if url in self.checked or url.startswith(("chrome-error:", "data:")):
            return
        self.checked.add(url)
        self.running += 1
        try:
            self._check(tab, url)
        except Exception:  # the test navigated on while axe ran: check it again at the end
            if url.startswith("http"):
                self.to_revisit.append(url)
        finally:
            self.running -= 1

    def _check(self, tab: Any, url: str) -> None:
        tab.evaluate(AXE_SCRIPT)
        for violation in tab.evaluate(RUN_AXE) or []:
            nodes = [
                node
                for node, target in zip(violation["nodes"], violation["targets"], strict=True)
                if target not in EXCLUDED_NODES.get(violation["id"], ())
            ]
            if nodes:
                where = "\n      ".join(nodes)
                self.problems.append(
                    f"{url}: {violation['id']} ({violation['impact']}: {violation['help']})"
                    f"\n      {where}"
                )

    def finish(self) -> None:
        """Wait for the checks still running, check the pages left too soon, and fail on any
        violation."""
        waited = 0
        if not self.page.is_closed():  # a round trip: the driver's pending "load" events run
            self.page.wait_for_timeout(WAIT_STEP_MS)
        while self.running and waited < WAIT_LIMIT_MS and not self.page.is_closed():
            self.page.wait_for_timeout(WAIT_STEP_MS)
            waited += WAIT_STEP_MS
        for url in self.to_revisit:
            tab = self.page.context.new_page()
            try:
                tab.goto(url)
                self._check(tab, url)
            finally:
                tab.close()
        self.to_revisit.clear()
        if self.problems:
            raise AssertionError(
                "axe-core found accessibility violations:\n  " + "\n  ".join(self.problems)
            )
