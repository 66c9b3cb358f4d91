"""Real images for upload tests: the photo check decodes what it is given (bytes that only start like an image
are refused), so tests send pictures Pillow made."""

import io
import os

from PIL import Image

FORMATS = {"png": "PNG", "jpeg": "JPEG", "webp": "WEBP"}


def image_bytes(kind: str = "png", size: tuple[int, int] = (8, 8), *, noise: bool = False, exif=None) -> bytes:
    """A `size` picture in `kind` (png, jpeg, webp): flat red, or random noise (which does not compress)."""
    width, height = size
    if noise:
        image = Image.frombytes("RGB", size, os.urandom(width * height * 3))
    else:
        image = Image.new("RGB", size, (200, 30, 30))
    out = io.BytesIO()
    options = {"exif": exif} if exif is not None else {}
    image.save(out, format=FORMATS[kind], **options)
    return out.getvalue()
