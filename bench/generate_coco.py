"""Writes a synthetic COCO instances file for the reader benchmark.

Default: 200,000 images and 2,000,000 annotations, each with a box and a 10-point polygon,
about 560 MB, in the key order of official COCO files (categories last). Deterministic for a
given seed. Every image gets a file in `images/` beside `annotations/`, so that readers which
check the images (Wharf, Datumaro) find them: a JPEG of no pixels whose header gives the
640x480 the records declare, since Wharf reads each image's size from its header and takes a
file that is no image (an empty one) as a failed item.

Usage: python generate_coco.py OUT_DIR [IMAGES] [ANNOTATIONS]
"""

import os
import random
import sys


def tiny_jpeg(width: int, height: int) -> bytes:
    """A JPEG header and no pixels: start of image, JFIF marker, a baseline frame header with
    the size, end of image."""
    return (
        b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
        + b"\xff\xc0\x00\x11\x08"
        + height.to_bytes(2, "big")
        + width.to_bytes(2, "big")
        + b"\x03\x01\x22\x00\x02\x11\x01\x03\x11\x01\xff\xd9"
    )


def main() -> None:
    out = sys.argv[1]
    images = int(sys.argv[2]) if len(sys.argv) > 2 else 200_000
    annotations = int(sys.argv[3]) if len(sys.argv) > 3 else 2_000_000
    rng = random.Random(7)
    os.makedirs(os.path.join(out, "annotations"), exist_ok=True)
    os.makedirs(os.path.join(out, "images"), exist_ok=True)
    image = tiny_jpeg(640, 480)
    for i in range(1, images + 1):
        with open(os.path.join(out, "images", f"{i:012d}.jpg"), "wb") as f:
            f.write(image)
    path = os.path.join(out, "annotations", "instances_bench.json")
    with open(path, "w", encoding="utf-8") as f:
        f.write('{"info": {"description": "wharf synthetic benchmark"}, "licenses": [],\n"images": [\n')
        for i in range(1, images + 1):
            sep = ",\n" if i < images else "\n"
            f.write(f'{{"id": {i}, "file_name": "{i:012d}.jpg", "width": 640, "height": 480}}{sep}')
        f.write('],\n"annotations": [\n')
        for a in range(1, annotations + 1):
            image = rng.randint(1, images)
            x, y = rng.uniform(0, 500), rng.uniform(0, 350)
            w, h = rng.uniform(5, 139), rng.uniform(5, 129)
            points = []
            for k in range(10):
                px = x + w * (0.5 + 0.5 * (1 if k % 2 else 0.8) * rng.uniform(-1, 1))
                py = y + h * (0.5 + 0.5 * rng.uniform(-1, 1))
                points.append(f"{px:.1f}, {py:.1f}")
            sep = ",\n" if a < annotations else "\n"
            f.write(
                f'{{"id": {a}, "image_id": {image}, "category_id": {rng.randint(1, 80)}, '
                f'"segmentation": [[{", ".join(points)}]], "area": {w * h:.2f}, '
                f'"bbox": [{x:.2f}, {y:.2f}, {w:.2f}, {h:.2f}], "iscrowd": 0}}{sep}'
            )
        f.write('],\n"categories": [\n')
        for c in range(1, 81):
            sep = ",\n" if c < 80 else "\n"
            f.write(f'{{"id": {c}, "name": "class_{c}", "supercategory": "group_{(c - 1) // 10}"}}{sep}')
        f.write("]}\n")
    print(f"{path}: {os.path.getsize(path) / 1e6:.0f} MB, {images} images, {annotations} annotations")


if __name__ == "__main__":
    main()
