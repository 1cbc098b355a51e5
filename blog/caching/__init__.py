"""Cached copies of reader pages: the app's shared page cache, the HTTP cache headers
browsers and the CDN follow, and the CDN purges when a blog changes."""
