"""Reading a picture of a handwritten digit the way MNIST presents one, for ``sigmoid predict``.

MNIST images are 28×28 greyscale, light ink (1.0) on a dark background (0.0), the digit fitted
into the central 20×20 box. A picture file (PNG, JPEG, anything Pillow opens) goes through:

1. transparency composited over white, then greyscale (``L``, 0..255); a floating-point or 32-bit
   integer picture (modes ``F``, ``I``) is mapped linearly onto 0..255: values in [0, 1] as p·255,
   any other range from its minimum to its maximum;
2. inverted when the background is light: if the mean of the outermost ring of pixels is above
   mid-grey (127.5), the picture is dark-on-light (ink on paper) and becomes 255 − p;
3. an image already of the target size is used as it is (assumed framed like MNIST); any other is
   framed as MNIST's digits were: cropped to its ink (pixels above 10% of the brightest), fitted
   into a 20×20 box keeping its aspect ratio (Lanczos filter), and placed in the 28×28 frame with
   its centre of mass at the centre. (A network without convolutions is sensitive to a shift of
   even two or three pixels, so centring the box instead can change the answer.)
4. scaled to [0, 1] by p/255.
"""

from __future__ import annotations

import math
import warnings
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from sigmoid.atomic import unreadable
from sigmoid.errors import DataError

#: The side of an MNIST image and of the box its digit is fitted into.
SIDE, BOX = 28, 20
#: A picture whose darkest and lightest pixels differ by less than this (of 255) holds no digit.
MIN_CONTRAST = 16

#: Pixels brighter than this fraction of the brightest count as ink when cropping.
INK_THRESHOLD = 0.1


def read_digit(path: str | Path, *, side: int = SIDE) -> np.ndarray:
    """The picture at ``path`` as a float32 vector of ``side * side`` pixels in [0, 1], ink bright."""
    grey = _open_greyscale(Path(path))
    pixels = np.asarray(grey, dtype=np.float64)
    if pixels.size == 0 or np.ptp(pixels) < MIN_CONTRAST:
        raise DataError(f"no digit in {path}: the picture is blank (one shade of grey)")
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
    problem = unreadable(path, "image file")
    if problem:
        raise DataError(problem)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as image:
                image.load()
                return _greyscale(image)
    except (Image.DecompressionBombWarning, Image.DecompressionBombError):
        limit = Image.MAX_IMAGE_PIXELS
        raise DataError(f"{path} is too large to be a picture of a digit (over {limit:,} pixels)") from None
    except (UnidentifiedImageError, OSError, ValueError) as error:
        raise DataError(f"{path} is not an image Pillow can read: {_reason(error)}") from None


def _greyscale(image: Image.Image) -> Image.Image:
    """``image`` as 8-bit greyscale (mode ``L``), transparency over white (see step 1 above)."""
    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        rgba = image.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(white, rgba).convert("L")
    if image.mode in ("F", "I"):
        values = np.asarray(image, dtype=np.float64)
        if not np.isfinite(values).all():
            raise ValueError("the picture holds NaN or infinite values")
        low, high = (0.0, 1.0) if values.min() >= 0 and values.max() <= 1 else (values.min(), values.max())
        scaled = (values - low) * (255 / (high - low)) if high > low else np.zeros_like(values)
        return Image.fromarray(np.round(scaled).astype(np.uint8))  # 2-D uint8: mode L
    return image.convert("L")


def _reason(error: Exception) -> str:
    return " ".join(str(error).split()) or type(error).__name__


def _frame(grey: Image.Image, side: int) -> Image.Image:
    """Crop to the ink, fit it into a box BOX/SIDE of ``side``, centre its mass in a black frame."""
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
    frame.paste(digit, _centre_of_mass_offset(np.asarray(digit, dtype=np.float64), side))
    return frame


def _centre_of_mass_offset(pixels: np.ndarray, side: int) -> tuple[int, int]:
    r"""Where to paste ``pixels`` (left, top) so that its centre of mass lands on the frame's centre.

    Pixel (i, j) covers [j, j + 1) × [i, i + 1), so the centre of mass is
    :math:`x̄ = Σ_{ij} p_{ij} (j + ½) / Σ p`, and likewise ȳ; the offset is ⌊side/2 − x̄ + ½⌋.
    """
    total = pixels.sum()
    height, width = pixels.shape
    if total <= 0:
        return (side - width) // 2, (side - height) // 2
    rows, cols = np.indices(pixels.shape)
    x = float((pixels * (cols + 0.5)).sum() / total)
    y = float((pixels * (rows + 0.5)).sum() / total)
    return math.floor(side / 2 - x + 0.5), math.floor(side / 2 - y + 0.5)
