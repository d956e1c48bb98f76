"""Reading digit pictures: greyscale, inverted when dark on light, framed 28x28, scaled to [0, 1]."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from sigmoid.errors import DataError
from sigmoid.images import is_dark_on_light, read_digit


def save(array: np.ndarray, path):
    """Write a 2-D array of 0..255 as a greyscale picture."""
    Image.fromarray(array.astype(np.uint8)).save(path)
    return path


def block(shape, rows, cols, *, ink: int, paper: int) -> np.ndarray:
    image = np.full(shape, paper, dtype=np.uint8)
    image[rows, cols] = ink
    return image


def test_dark_ink_on_white_is_inverted(tmp_path):
    picture = block((28, 28), slice(4, 20), slice(10, 14), ink=0, paper=255)
    pixels = read_digit(save(picture, tmp_path / "digit.png")).reshape(28, 28)
    assert pixels.dtype == np.float32 and pixels.shape == (28, 28)
    assert np.all(pixels[4:20, 10:14] == 1.0)  # black ink became full brightness
    pixels[4:20, 10:14] = 0
    assert np.all(pixels == 0.0)  # white paper became MNIST's black background


def test_light_ink_on_black_is_kept_and_scaled_by_255(tmp_path):
    picture = block((28, 28), slice(5, 9), slice(5, 9), ink=51, paper=0)
    pixels = read_digit(save(picture, tmp_path / "digit.png")).reshape(28, 28)
    assert np.allclose(pixels[5:9, 5:9], 51 / 255, rtol=0, atol=1e-7)
    assert pixels.sum() == pytest.approx(16 * 51 / 255, rel=1e-6)


def test_a_larger_picture_is_cropped_to_its_ink_and_fitted_into_20x20(tmp_path):
    # A 40-tall, 10-wide black bar on white, off-centre in a 100x80 picture.
    picture = block((100, 80), slice(10, 50), slice(5, 15), ink=0, paper=255)
    pixels = read_digit(save(picture, tmp_path / "bar.png")).reshape(28, 28)
    ink = pixels > 0.5
    rows, cols = np.flatnonzero(ink.any(axis=1)), np.flatnonzero(ink.any(axis=0))
    # Height 40 -> 20 rows, width 10 -> 5 columns. Centre of mass (10, 2.5) of the 20x5 bar moves
    # to (14, 14): top 14 - 10 = 4, left floor(14 - 2.5 + 0.5) = 12: rows 4..23, columns 12..16.
    assert (rows[0], rows[-1]) == (4, 23)
    assert (cols[0], cols[-1]) == (12, 16)
    assert pixels.min() >= 0 and pixels.max() <= 1


def test_the_centre_of_mass_of_a_lopsided_digit_lands_on_the_centre(tmp_path):
    # An "L": a thin upright stroke and a thick foot, so the box centre and mass centre differ.
    picture = np.full((90, 60), 255, dtype=np.uint8)
    picture[10:80, 10:16] = 0
    picture[60:80, 10:50] = 0
    pixels = read_digit(save(picture, tmp_path / "L.png")).reshape(28, 28).astype(np.float64)
    rows, cols = np.indices(pixels.shape)
    y = (pixels * (rows + 0.5)).sum() / pixels.sum()
    x = (pixels * (cols + 0.5)).sum() / pixels.sum()
    assert abs(y - 14) <= 0.5 and abs(x - 14) <= 0.5
    ink = np.flatnonzero((pixels > 0.5).any(axis=1))
    assert ink[-1] - ink[0] + 1 == 20  # the taller side fills the 20-pixel box


def test_colour_jpeg_and_transparent_png_are_read(tmp_path):
    rgb = np.full((28, 28, 3), 255, dtype=np.uint8)
    rgb[8:20, 8:20] = (0, 0, 0)
    Image.fromarray(rgb).save(tmp_path / "digit.jpg", quality=95)
    pixels = read_digit(tmp_path / "digit.jpg").reshape(28, 28)
    assert pixels[10:18, 10:18].min() > 0.9 and pixels[:4].max() < 0.1

    rgba = np.zeros((28, 28, 4), dtype=np.uint8)  # transparent everywhere...
    rgba[8:20, 8:20] = (0, 0, 0, 255)  # ...but an opaque black square: ink over white
    Image.fromarray(rgba).save(tmp_path / "digit.png")
    pixels = read_digit(tmp_path / "digit.png").reshape(28, 28)
    assert np.all(pixels[8:20, 8:20] == 1.0) and pixels[:8].max() == 0.0


def test_another_side_for_smaller_networks(tmp_path):
    picture = block((14, 14), slice(2, 12), slice(6, 8), ink=255, paper=0)
    pixels = read_digit(save(picture, tmp_path / "small.png"), side=14)
    assert pixels.shape == (196,)
    assert pixels.reshape(14, 14)[2:12, 6:8].min() == 1.0


def test_border_decides_dark_on_light():
    assert is_dark_on_light(np.full((5, 5), 200.0))
    assert not is_dark_on_light(np.zeros((5, 5)))
    # A bright centre does not matter: only the outer ring is looked at.
    frame = np.zeros((5, 5))
    frame[1:4, 1:4] = 255
    assert not is_dark_on_light(frame)


def test_missing_file_folder_and_non_image_are_data_errors(tmp_path):
    with pytest.raises(DataError, match="no image file at"):
        read_digit(tmp_path / "missing.png")
    with pytest.raises(DataError, match="is a folder"):
        read_digit(tmp_path)
    text = tmp_path / "notes.png"
    text.write_text("not a picture")
    with pytest.raises(DataError, match="is not an image Pillow can read"):
        read_digit(text)
    truncated = tmp_path / "cut.png"
    save(np.zeros((28, 28)), tmp_path / "whole.png")
    truncated.write_bytes((tmp_path / "whole.png").read_bytes()[:40])
    with pytest.raises(DataError, match="is not an image Pillow can read"):
        read_digit(truncated)


def test_float_and_32_bit_pictures_are_mapped_onto_0_255(tmp_path):
    # Mode F with values in [0, 1]: p·255, so 0.2 → 51 and 1.0 → 255 (0.2·255 = 51 exactly).
    values = np.zeros((28, 28), np.float32)
    values[5:9, 5:9], values[20, 20] = 0.2, 1.0
    Image.fromarray(values, mode="F").save(tmp_path / "float.tiff")
    pixels = read_digit(tmp_path / "float.tiff").reshape(28, 28)
    assert np.allclose(pixels[5:9, 5:9], 51 / 255, rtol=0, atol=1e-7) and pixels[20, 20] == 1.0
    # Mode I from 100 to 1100: (p − 100)·255/1000, so 300 → 51.
    counts = np.full((28, 28), 100, np.int32)
    counts[5:9, 5:9], counts[20, 20] = 300, 1100
    Image.fromarray(counts, mode="I").save(tmp_path / "counts.tiff")
    again = read_digit(tmp_path / "counts.tiff").reshape(28, 28)
    np.testing.assert_array_equal(again, pixels)


def test_a_picture_too_large_to_be_a_digit_is_refused(tmp_path, monkeypatch):
    # Pillow warns above MAX_IMAGE_PIXELS and refuses above twice that: both become one DataError.
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1000)
    for side in (40, 50):  # 1,600 pixels (Pillow's warning), 2,500 (Pillow's error)
        picture = save(
            block((side, side), slice(4, 20), slice(10, 14), ink=255, paper=0), tmp_path / "big.png"
        )
        with pytest.raises(DataError, match="too large to be a picture of a digit"):
            read_digit(picture)
