"""The people of bench/load.py, for locust: readers, bloggers publishing, upvoters.

Every request goes to the server's loopback address with the Host header of the blog (or
the platform) it is for: ``*.localhost`` names do not resolve through glibc. Each simulated
person has an address of their own in X-Forwarded-For (the server trusts 127.0.0.1 as its
proxy, as production trusts Heroku's router or Caddy), so the per-address rate limits see
many readers, not one. X-Forwarded-Proto carries the scheme the targets name: ``https``
is what the router tells a production dyno.

* ``Reader`` (think time 0.5 to 1.5 s, 1 s on average): GETs a random blog's home (2 in
  8), one of its posts (5 in 8) or its Atom feed (1 in 8), expecting 200. Busy for a
  reader, who would linger on a post: with 50 of them the server sees about 50 page
  views a second, spread over all the blogs, so most miss the page cache.
* ``Blogger`` (3 to 6 s between posts): logs in on the platform host with a seeded
  account, then again and again opens the Wagtail add form of their blog (200) and
  publishes a new post through it (302), as the browser posts it.
* ``Upvoter`` (1 to 3 s): POSTs an upvote for a random post of a random blog with that
  blog's Origin, from a new address every time (303), so each one counts once.

The targets file (``--targets``, written by bench/load.py) names the blogs, their posts
and the bloggers' accounts. When locust quits, every request's latency and status, the
posts published and the upvotes accepted are written to ``--results`` as JSON. Each
request is counted as ``ok`` (the expected status), ``429``, ``5xx`` or ``other`` (any
other status; 0 for a connection error or timeout).
"""

import ipaddress
import itertools
import json
import random
import re
import time
import uuid
from collections import defaultdict

from locust import HttpUser, between, events, task
from locust.exception import StopUser

BROWSER = (
    "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.{n}",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/18.{n} Mobile/15E148 Safari/604.1",
)
CSRF_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
TIMEOUT = 30  # seconds; gunicorn restarts a worker stuck longer than this
# 10.0.0.1, 10.0.0.2, ...: one address per reader and blogger, a new one per upvote.
ADDRESSES = (str(ipaddress.ip_address("10.0.0.1") + n) for n in itertools.count())


@events.init_command_line_parser.add_listener
def _arguments(parser):
    parser.add_argument("--targets", default="", help="JSON file of blogs and bloggers")
    parser.add_argument("--results", default="", help="JSON file written on quitting")
    parser.add_argument("--readers", type=int, default=50)
    parser.add_argument("--bloggers", type=int, default=5)
    parser.add_argument("--upvoters", type=int, default=20)


class Run:
    """What the run needs (targets) and collects (latencies, publications, upvotes)."""

    targets = None
    results_path = ""
    started = stopped = None
    # Per request type: each request's latency and when it started (seconds into the run).
    requests = defaultdict(lambda: {"ms": [], "at": [], "statuses": defaultdict(int)})
    published = []
    upvotes = 0


@events.init.add_listener
def _load_targets(environment, **_kwargs):
    options = environment.parsed_options
    if options is None or not options.targets:
        raise SystemExit("bench/locustfile.py needs --targets (bench/load.py writes it)")
    with open(options.targets) as file:
        Run.targets = json.load(file)
    Run.results_path = options.results
    Reader.fixed_count = options.readers
    Blogger.fixed_count = min(options.bloggers, len(Run.targets["bloggers"]))
    Upvoter.fixed_count = options.upvoters


@events.test_start.add_listener
def _started(**_kwargs):
    Run.started = time.time()


@events.test_stop.add_listener
def _stopped(**_kwargs):
    Run.stopped = time.time()


@events.request.add_listener
def _record(name, response_time, response, exception, context, **_kwargs):
    status = getattr(response, "status_code", None) or 0
    figures = Run.requests[name]
    figures["ms"].append(round(response_time, 2))
    figures["at"].append(round(time.time() - response_time / 1000 - Run.started, 3))
    figures["statuses"][outcome(status, context.get("expected"))] += 1


def outcome(status, expected):
    if status == expected:
        return "ok"
    if status == 429:
        return "429"
    return "5xx" if status >= 500 else "other"


@events.quitting.add_listener
def _write_results(**_kwargs):
    if not Run.results_path:
        return
    results = {
        "started": Run.started,
        "stopped": Run.stopped or time.time(),
        "requests": {name: dict(figures) for name, figures in Run.requests.items()},
        "published": Run.published,
        "upvotes": Run.upvotes,
    }
    with open(Run.results_path, "w") as file:
        json.dump(results, file)


class Person(HttpUser):
    """Someone with an address and a browser of their own, on the targets' scheme."""

    abstract = True

    def on_start(self):
        self.address = next(ADDRESSES)
        self.browser = random.choice(BROWSER).format(n=random.randrange(100))
        self.scheme = Run.targets["scheme"]

    def headers(self, host, address=None, **extra):
        return {
            "Host": host,
            "X-Forwarded-For": address or self.address,
            "X-Forwarded-Proto": self.scheme,
            "User-Agent": self.browser,
            **extra,
        }

    def send(self, method, path, name, host, expected, address=None, data=None, origin=False):
        """One request; fails (in locust's own statistics too) unless ``expected`` comes."""
        headers = self.headers(host, address)
        if origin:
            headers["Origin"] = f"{self.scheme}://{host}"
        with self.client.request(
            method, path, name=name, headers=headers, data=data, allow_redirects=False,
            timeout=TIMEOUT, catch_response=True, context={"expected": expected},
        ) as response:  # fmt: skip
            if response.status_code != expected:
                response.failure(f"{response.status_code}, expected {expected}")
            return response


class Reader(Person):
    wait_time = between(0.5, 1.5)

    def a_blog(self):
        return random.choice(Run.targets["blogs"])

    @task(2)
    def home(self):
        self.send("GET", "/", "reader: home", self.a_blog()["host"], 200)

    @task(5)
    def post(self):
        blog = self.a_blog()
        self.send("GET", f"/{random.choice(blog['posts'])}/", "reader: post", blog["host"], 200)

    @task(1)
    def feed(self):
        self.send("GET", "/feed/", "reader: feed", self.a_blog()["host"], 200)


class Blogger(Person):
    wait_time = between(3, 6)
    accounts = itertools.count()

    def on_start(self):
        super().on_start()
        bloggers = Run.targets["bloggers"]
        self.account = bloggers[next(self.accounts) % len(bloggers)]
        self.platform = Run.targets["platform"]
        form = self.on_platform("GET", "/accounts/login/", "blogger: login form", 200)
        self.on_platform(
            "POST", "/accounts/login/", "blogger: log in", 302,
            data={
                "csrfmiddlewaretoken": csrf_token(form.text),
                "login": self.account["email"],
                "password": self.account["password"],
            },
        )  # fmt: skip
        if "sessionid" not in " ".join(cookie.name for cookie in self.client.cookies):
            raise StopUser()  # the failed login is counted; publishing would only fail too

    def on_platform(self, method, path, name, expected, data=None):
        response = self.send(
            method, path, name, self.platform, expected, data=data, origin=method == "POST"
        )
        if self.scheme == "https":
            # The server saw https (X-Forwarded-Proto) and set Secure cookies; the
            # connection here is plain loopback HTTP, so send them back regardless.
            for cookie in self.client.cookies:
                cookie.secure = False
        return response

    @task
    def publish(self):
        add_path = f"/dashboard/pages/add/blog/postpage/{self.account['page_id']}/"
        form = self.on_platform("GET", add_path, "blogger: add form", 200)
        if form.status_code != 200:
            return
        slug = f"load-{uuid.uuid4().hex[:12]}"
        title = f"Load test post {slug}"
        response = self.on_platform(
            "POST", add_path, "blogger: publish", 302,
            data=new_post(csrf_token(form.text), title, slug),
        )  # fmt: skip
        if response.status_code == 302:
            Run.published.append({"host": self.account["host"], "slug": slug, "title": title})


def csrf_token(html):
    found = CSRF_TOKEN.search(html)
    return found.group(1) if found else ""


def new_post(token, title, slug):
    """The PostPage add form as the editor submits it (tests/support/dashboard_forms.py)."""
    published = time.strftime("%Y-%m-%d %H:%M", time.gmtime(time.time() - 300))
    return {
        "csrfmiddlewaretoken": token,
        "title": title,
        "body": f"# {title}\n\nWritten under load. " + "Some *words* in a paragraph. " * 20,
        "tags": "load",
        "slug": slug,
        "alias": "",
        "published_date": published,
        "make_discoverable": "on",
        "meta_description": "",
        "canonical_url": "",
        "meta_image": "",
        "lang": "",
        "class_name": "",
        "action-publish": "action-publish",
    }


class Upvoter(Person):
    wait_time = between(1, 3)

    @task
    def upvote(self):
        blog = random.choice(Run.targets["blogs"])
        post_id = random.choice(blog["upvotable"])
        response = self.send(
            "POST", f"/upvote/{post_id}/", "upvote", blog["host"], 303,
            address=next(ADDRESSES), origin=True,
        )  # fmt: skip
        if response.status_code == 303:
            Run.upvotes += 1
