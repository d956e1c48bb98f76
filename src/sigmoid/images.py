"""Reading a picture of a handwritten digit the way MNIST presents one, for ``sigmoid predict``.

MNIST images are 28×28 greyscale, light ink (1.0) on a dark background (0.0), the digit fitted
into the central 20×20 box. A picture file (PNG, JPEG, anything Pillow opens) goes through:

1. transparency composited over white, then greyscale (``L``, 0..255);
2. inverted when the background is light: if the mean of the outermost ring of pixels is above
   mid-grey (127.5), the picture is dark-on-light (ink on paper) and becomes 255 − p;
3. an image already of the target size is used as it is (assumed framed like MNIST); any other is
   cropped to its ink (pixels above 10% of the brightest), fitted into the central 20/28 of the
   frame keeping its aspect ratio, resampled with the Lanczos filter;
4. scaled to [0, 1] by p/255.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from sigmoid.errors import DataError

#: The side of an MNIST image and of the box its digit is fitted into.
SIDE, BOX = 28, 20
#: Pixels brighter than this fraction of the brightest count as ink when cropping.
INK_THRESHOLD = 0.1


def read_digit(path: str | Path, *, side: int = SIDE) -> np.ndarray:
    """The picture at ``path`` as a float32 vector of ``side * side`` pixels in [0, 1], ink bright."""
    grey = _open_greyscale(Path(path))
    pixels = np.asarray(grey, dtype=np.float64)
    if is_dark_on_light(pixels):
        grey = ImageOps.invert(grey)
    if grey.size != (side, side):
        grey = _frame(grey, side)
    return (np.asarray(grey, dtype=np.float32) / np.float32(255)).reshape(-1)


def is_dark_on_light(pixels: np.ndarray) -> bool:
    """Whether a greyscale image (2-D, 0..255) has a light border, i.e. dark ink on light paper."""
    border = np.concatenate([pixels[0], pixels[-1], pixels[1:-1, 0], pixels[1:-1, -1]])
    return bool(border.mean() > 127.5)


def _open_greyscale(path: Path) -> Image.Image:
    if not path.exists():
        raise DataError(f"no image file at {path}")
    if path.is_dir():
        raise DataError(f"{path} is a folder, not an image file")
    try:
        with Image.open(path) as image:
            image.load()
            if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
                rgba = image.convert("RGBA")
                white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
                return Image.alpha_composite(white, rgba).convert("L")
            return image.convert("L")
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as error:
        raise DataError(f"{path} is not an image Pillow can read: {_reason(error)}") from None


def _reason(error: Exception) -> str:
    return " ".join(str(error).split()) or type(error).__name__


def _frame(grey: Image.Image, side: int) -> Image.Image:
    """Crop to the ink, fit it into the central BOX/SIDE of a ``side``² frame, on black."""
    pixels = np.asarray(grey)
    ink = pixels > INK_THRESHOLD * pixels.max() if pixels.max() > 0 else np.zeros_like(pixels, bool)
    if ink.any():
        rows, cols = np.flatnonzero(ink.any(axis=1)), np.flatnonzero(ink.any(axis=0))
        grey = grey.crop((cols[0], rows[0], cols[-1] + 1, rows[-1] + 1))
    box = max(1, round(side * BOX / SIDE))
    width, height = grey.size
    scale = box / max(width, height)
    size = (max(1, math.floor(width * scale + 0.5)), max(1, math.floor(height * scale + 0.5)))
    digit = grey.resize(size, Image.Resampling.LANCZOS)
    frame = Image.new("L", (side, side), 0)
    frame.paste(digit, ((side - size[0]) // 2, (side - size[1]) // 2))
    return frame
