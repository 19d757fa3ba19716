#!/usr/bin/env python3
"""Writes real-photo pans for 'wfm bench tokenizer-quality': each of scikit-image's sample
photographs (astronaut, coffee, chelsea, rocket, ...) scaled by area averaging so that its
height is 96 pixels, then a 64x64 window moved one pixel per frame to the right (33 frames),
starting 16 rows down. Each pan is a PNG sequence OUT/NAME/f_%03d.png (lossless RGB).

Needs python3-skimage (Debian) or scikit-image (pip). Usage:
    python3 bench/tokquality/make_pans.py OUT
    wfm bench tokenizer-quality --weights W OUT/astronaut/f_%03d.png OUT/coffee/f_%03d.png ...
"""
import os
import sys

import numpy as np
from skimage import data, io, transform

NAMES = ["astronaut", "coffee", "chelsea", "rocket", "immunohistochemistry", "hubble_deep_field", "retina"]
FRAMES, SIDE, HEIGHT, TOP = 33, 64, 96, 16


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    out = sys.argv[1]
    for name in NAMES:
        loader = getattr(data, name, None)
        if loader is None:
            continue
        img = loader()
        if img.ndim == 2:
            img = np.stack([img] * 3, axis=-1)
        img = img[..., :3]
        h, w = img.shape[:2]
        width = round(w * HEIGHT / h)
        if width < SIDE + FRAMES - 1:
            continue
        small = transform.resize(img, (HEIGHT, width), order=1, anti_aliasing=True, preserve_range=True)
        small = np.clip(np.round(small), 0, 255).astype(np.uint8)
        os.makedirs(os.path.join(out, name), exist_ok=True)
        for f in range(FRAMES):
            frame = small[TOP:TOP + SIDE, f:f + SIDE]
            io.imsave(os.path.join(out, name, "f_%03d.png" % f), frame, check_contrast=False)
        print(name, img.shape, "->", small.shape)


if __name__ == "__main__":
    main()
