"""ActivityPub: every blog an account that Mastodon and the rest of the fediverse can
follow (issue 20, part 1; docs/architecture.md lists what is built so far)."""
