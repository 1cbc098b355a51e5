"""Pure rules with no import of the rest of the project: names and hosts, the page
tree, Markdown, discovery scores, reader requests, user agents, mail retries, CSV cells."""
