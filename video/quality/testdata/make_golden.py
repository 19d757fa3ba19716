#!/usr/bin/python3
"""Golden values for video/quality, made with scikit-image.

Run from this directory with Debian's interpreter (scikit-image 0.19.3,
OpenCV 4.6, NumPy 1.24):

    /usr/bin/python3 make_golden.py

It writes the test images as RGB PNGs (ref_*.png, pred_*.png) and golden.json
with, for every pair:

  psnr       skimage.metrics.peak_signal_noise_ratio(ref, pred, data_range=255)
             over all RGB samples of the image;
  ssim_rgb   skimage.metrics.structural_similarity(ref, pred, channel_axis=2,
             gaussian_weights=True, sigma=1.5, use_sample_covariance=False,
             data_range=255, K1=0.01, K2=0.03): SSIM of each channel, averaged;
  ssim_luma  the same call on BT.601 luma Y = 0.299 R + 0.587 G + 0.114 B,
             computed in float64 and not rounded;
  psnr_luma  peak_signal_noise_ratio on that luma, data_range=255.

Everything is seeded, so running the script again gives the same files.
"""
import json

import cv2
import numpy as np
from skimage.metrics import peak_signal_noise_ratio, structural_similarity

rng = np.random.default_rng(20261125)


def luma(img):
    img = img.astype(np.float64)
    return 0.299 * img[..., 0] + 0.587 * img[..., 1] + 0.114 * img[..., 2]


def ssim(a, b, **kw):
    return float(structural_similarity(
        a, b, gaussian_weights=True, sigma=1.5, use_sample_covariance=False,
        data_range=255, K1=0.01, K2=0.03, **kw))


def textured(h, w):
    y, x = np.mgrid[0:h, 0:w].astype(np.float64)
    base = np.stack([
        128 + 90 * np.sin(x / 5.0) * np.cos(y / 7.0),
        128 + 80 * np.cos((x + y) / 9.0),
        64 + 60 * ((x // 8 + y // 8) % 2),
    ], axis=-1)
    base += rng.normal(0, 12, size=base.shape)
    return np.clip(np.rint(base), 0, 255).astype(np.uint8)


def add_noise(img, sigma):
    out = img.astype(np.float64) + rng.normal(0, sigma, size=img.shape)
    return np.clip(np.rint(out), 0, 255).astype(np.uint8)


def jpeg(img, quality):
    ok, buf = cv2.imencode('.jpg', cv2.cvtColor(img, cv2.COLOR_RGB2BGR),
                           [cv2.IMWRITE_JPEG_QUALITY, quality])
    assert ok
    return cv2.cvtColor(cv2.imdecode(buf, cv2.IMREAD_COLOR), cv2.COLOR_BGR2RGB)


def box_blur(img):
    return cv2.blur(img, (5, 5))


cases = []
ref = textured(48, 64)
cases.append(('noise10', ref, add_noise(ref, 10)))
cases.append(('noise40', ref, add_noise(ref, 40)))
cases.append(('jpeg30', ref, jpeg(ref, 30)))
cases.append(('blur5', ref, box_blur(ref)))
cases.append(('shift', ref, np.roll(ref, 2, axis=1)))
cases.append(('brighter', ref, np.clip(ref.astype(np.int16) + 20, 0, 255).astype(np.uint8)))
small = textured(11, 11)
cases.append(('min11x11', small, add_noise(small, 15)))
odd = textured(13, 29)
cases.append(('odd13x29', odd, jpeg(odd, 20)))
flat = np.full((16, 16, 3), 128, np.uint8)
cases.append(('flat_vs_flat130', flat, np.full((16, 16, 3), 130, np.uint8)))
cases.append(('random_vs_random', rng.integers(0, 256, (24, 20, 3), dtype=np.uint8),
              rng.integers(0, 256, (24, 20, 3), dtype=np.uint8)))
cases.append(('inverted', ref, 255 - ref))

golden = []
for name, a, b in cases:
    cv2.imwrite(f'ref_{name}.png', cv2.cvtColor(a, cv2.COLOR_RGB2BGR))
    cv2.imwrite(f'pred_{name}.png', cv2.cvtColor(b, cv2.COLOR_RGB2BGR))
    ya, yb = luma(a), luma(b)
    golden.append({
        'name': name,
        'height': a.shape[0],
        'width': a.shape[1],
        'psnr': float(peak_signal_noise_ratio(a, b, data_range=255)),
        'ssim_rgb': ssim(a, b, channel_axis=2),
        'ssim_luma': ssim(ya, yb),
        'psnr_luma': float(peak_signal_noise_ratio(ya, yb, data_range=255)),
    })

with open('golden.json', 'w') as f:
    json.dump({'tool': 'scikit-image 0.19.3 (structural_similarity, peak_signal_noise_ratio)',
               'cases': golden}, f, indent=1)
    f.write('\n')
