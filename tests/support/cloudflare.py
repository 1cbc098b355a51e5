"""A local stand-in for Cloudflare's API: it records every purge request it is sent."""

import json
from http.server import BaseHTTPRequestHandler


class RecordingHandler(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.server.requests.append((self.path, dict(self.headers), json.loads(body)))
        reply = json.dumps({"success": True, "errors": []}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(reply)

    def log_message(self, *args):
        pass


def purged_urls(server):
    return {url for _path, _headers, body in server.requests for url in body["files"]}
