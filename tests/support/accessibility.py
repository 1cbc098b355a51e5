"""axe-core's accessibility checks of the page a Playwright browser is on.

axe-core comes inside axe-playwright-python (nothing is downloaded). Playwright's
``evaluate`` runs it through the DevTools protocol, which no Content-Security-Policy
governs, so reader pages that allow no script at all are checked as readers get them.
"""

from axe_playwright_python.base import AXE_SCRIPT

# axe's impacts are minor, moderate, serious and critical; the last two keep someone
# from reading or using the page (text too faint to read, a control with no name).
SERIOUS_IMPACTS = frozenset({"serious", "critical"})
RUN_AXE = "options => axe.run(document, options)"


def serious_violations(page, rules=None):
    """The serious and critical violations of the page as it is now, one line each:
    ``rule (impact): target, target — what the rule asks``. Empty when there are none.

    ``rules`` (axe rule ids) runs those rules alone, which is quicker: a second look at
    markup axe has checked in full already, in another theme or colour scheme, say.
    """
    # axe is half a megabyte of script: loaded once per document, not once per run.
    if page.evaluate("typeof axe") == "undefined":
        page.evaluate(AXE_SCRIPT)
    options = {"resultTypes": ["violations"]}
    if rules:
        options["runOnly"] = {"type": "rule", "values": list(rules)}
    results = page.evaluate(RUN_AXE, options)
    return [
        f"{violation['id']} ({violation['impact']}): "
        f"{', '.join(' '.join(map(str, node['target'])) for node in violation['nodes'])}"
        f" — {violation['help']}"
        for violation in results["violations"]
        if violation["impact"] in SERIOUS_IMPACTS
    ]
