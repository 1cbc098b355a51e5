"""Media on S3: the CDN domain readers get media from."""

CDN = "media.example.test"
