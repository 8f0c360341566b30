"""Serves a moto S3 server on 127.0.0.1:PORT holding bucket `bench` with N small objects.

The objects go straight into moto's in-process backend before the server starts: uploading
100,000 objects over HTTP would take many minutes. Prints `filled in SECONDS` once the server
is up, then serves until killed.

Usage: python fill_moto.py N PORT
"""

import random
import sys
import time

from moto.core import DEFAULT_ACCOUNT_ID
from moto.s3.models import s3_backends
from moto.server import ThreadedMotoServer


def main() -> None:
    count, port = int(sys.argv[1]), int(sys.argv[2])
    started = time.time()
    backend = s3_backends[DEFAULT_ACCOUNT_ID]["aws"]
    backend.create_bucket("bench", "us-east-1")
    rng = random.Random(42)
    for i in range(count):
        # 100 folders of small objects; the text header keeps them from looking like images.
        key = f"shard-{i % 10:02d}/part-{(i // 10) % 10:03d}/obj-{i:06d}.bin"
        backend.put_object("bench", key, b"bench object\n" + rng.randbytes(rng.randint(51, 187)))
    ThreadedMotoServer(ip_address="127.0.0.1", port=port).start()
    print(f"filled in {time.time() - started:.1f}", flush=True)
    while True:
        time.sleep(3600)


if __name__ == "__main__":
    main()
