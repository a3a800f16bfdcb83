"""`moto_server` whose ListBuckets pages the way S3 does.

moto 5.2.5 applies `max-buckets` by cutting the list short, but never sends
the `ContinuationToken` that S3 sends when more buckets follow, nor each
bucket's `BucketRegion`. This runs moto's own server with its ListBuckets
handler completed (same arguments as `moto_server`), so the tests can check
that the tools follow continuation tokens across pages and report regions.
Used by tools/s3/tests/moto.rs only.
"""

import sys

from moto.core.responses import ActionResult
from moto.s3.responses import S3Response
from moto.server import main


def all_buckets(self):
    self.data["Action"] = "ListAllMyBuckets"
    self._authenticate_and_authorize_s3_action()
    prefix = self._get_param("prefix") or ""
    after = self._get_param("continuation-token") or ""
    limit = int(self._get_param("max-buckets") or 10000)
    names = sorted(name for name in self.backend.buckets if name.startswith(prefix) and name > after)
    page = [self.backend.buckets[name] for name in names[:limit]]
    result = {
        "Owner": {"ID": "bcaf1ffd86f41161ca5fb16fd081034f", "DisplayName": "webfile"},
        "Buckets": [
            {"Name": b.name, "CreationDate": b.creation_date_ISO8601, "BucketRegion": b.region_name} for b in page
        ],
    }
    if len(names) > limit:
        # S3's tokens are opaque; the last name listed serves here.
        result["ContinuationToken"] = page[-1].name
    if prefix:
        result["Prefix"] = prefix
    self.data["Action"] = "ListBuckets"
    return self.serialized(ActionResult(result))


S3Response.all_buckets = all_buckets

if __name__ == "__main__":
    sys.exit(main())
