"""Writing to a blog from anywhere: personal access tokens, the JSON API for posts, and
Micropub. See docs/api.md."""
