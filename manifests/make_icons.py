#!/usr/bin/env python3
"""Draws the bundled apps' maskable PNG icons (192 and 512 px).

Run by hand (python3 manifests/make_icons.py [DESIGN...]) when a design changes; the
PNGs are committed. Plain Python (zlib + struct) so that it needs nothing
installed. Shapes are drawn in a 0..1 square with 4x4 supersampling; every
glyph stays inside the maskable safe zone (the centre circle of radius 0.4).
"""
import math
import os
import struct
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))


def hex_colour(text):
    text = text.lstrip('#')
    return tuple(int(text[i:i + 2], 16) for i in (0, 2, 4))


def rounded_rect(x0, y0, x1, y1, r):
    def inside(x, y):
        if not (x0 <= x <= x1 and y0 <= y <= y1):
            return False
        cx = min(max(x, x0 + r), x1 - r)
        cy = min(max(y, y0 + r), y1 - r)
        return (x - cx) ** 2 + (y - cy) ** 2 <= r * r
    return inside


def circle(cx, cy, r):
    return lambda x, y: (x - cx) ** 2 + (y - cy) ** 2 <= r * r


def union(*shapes):
    return lambda x, y: any(s(x, y) for s in shapes)


def gear(cx, cy, body, tip, teeth, hole):
    """A cog: a disc of radius `body`, `teeth` square teeth out to `tip`, a hole."""
    def inside(x, y):
        d = math.hypot(x - cx, y - cy)
        if d < hole or d > tip:
            return False
        if d <= body:
            return True
        angle = math.atan2(y - cy, x - cx) % (2 * math.pi / teeth)
        return abs(angle - math.pi / teeth) * d <= 0.045
    return inside


# Each design: a full-bleed background and layers of (shape, colour), last on top.
DESIGNS = {
    'notes': ('#f4b400', [
        (rounded_rect(0.27, 0.22, 0.73, 0.78, 0.04), '#fffdf5'),
        (rounded_rect(0.34, 0.34, 0.66, 0.38, 0.02), '#c98f00'),
        (rounded_rect(0.34, 0.46, 0.66, 0.50, 0.02), '#c98f00'),
        (rounded_rect(0.34, 0.58, 0.56, 0.62, 0.02), '#c98f00'),
    ]),
    'contacts': ('#1a73e8', [
        (circle(0.50, 0.40, 0.13), '#ffffff'),
        (lambda x, y: y <= 0.72 and ((x - 0.5) / 0.24) ** 2 + ((y - 0.72) / 0.20) ** 2 <= 1, '#ffffff'),
    ]),
    'calculator': ('#37474f', [
        (rounded_rect(0.25, 0.25, 0.47, 0.47, 0.05), '#eceff1'),
        (rounded_rect(0.53, 0.25, 0.75, 0.47, 0.05), '#eceff1'),
        (rounded_rect(0.25, 0.53, 0.47, 0.75, 0.05), '#eceff1'),
        (rounded_rect(0.53, 0.53, 0.75, 0.75, 0.05), '#ff9800'),
    ]),
    'weather': ('#1e88e5', [
        (circle(0.42, 0.42, 0.15), '#ffd54f'),
        (union(circle(0.44, 0.60, 0.10), circle(0.57, 0.53, 0.13), circle(0.68, 0.61, 0.09),
               rounded_rect(0.36, 0.58, 0.74, 0.70, 0.06)), '#ffffff'),
    ]),
    'settings': ('#546e7a', [
        (gear(0.5, 0.5, 0.19, 0.25, 8, 0.085), '#ffffff'),
    ]),
    'apps': ('#00897b', [
        (rounded_rect(0.27, 0.27, 0.47, 0.47, 0.05), '#ffffff'),
        (rounded_rect(0.53, 0.27, 0.73, 0.47, 0.05), '#ffffff'),
        (rounded_rect(0.27, 0.53, 0.47, 0.73, 0.05), '#ffffff'),
        (rounded_rect(0.53, 0.53, 0.73, 0.73, 0.05), '#ffd54f'),
    ]),
    'browser': ('#3949ab', [
        (lambda x, y: 0.20 ** 2 <= (x - 0.5) ** 2 + (y - 0.5) ** 2 <= 0.24 ** 2, '#ffffff'),
        (lambda x, y: abs(((x - 0.5) / 0.10) ** 2 + ((y - 0.5) / 0.24) ** 2 - 1) <= 0.18 and
         (x - 0.5) ** 2 + (y - 0.5) ** 2 <= 0.24 ** 2, '#ffffff'),
        (rounded_rect(0.27, 0.48, 0.73, 0.52, 0.01), '#ffffff'),
    ]),
}


def render(design, size, samples=4):
    background, layers = DESIGNS[design]
    background = hex_colour(background)
    layers = [(shape, hex_colour(colour)) for shape, colour in layers]
    rows = []
    step = 1.0 / (size * samples)
    for py in range(size):
        row = bytearray([0])  # filter: none
        for px in range(size):
            total = [0, 0, 0]
            for sy in range(samples):
                y = (py * samples + sy + 0.5) * step
                for sx in range(samples):
                    x = (px * samples + sx + 0.5) * step
                    colour = background
                    for shape, layer_colour in layers:
                        if shape(x, y):
                            colour = layer_colour
                    for i in range(3):
                        total[i] += colour[i]
            n = samples * samples
            row += bytes(round(c / n) for c in total)
        rows.append(bytes(row))
    return b''.join(rows)


def png(size, pixels):
    def chunk(kind, data):
        body = kind + data
        return struct.pack('>I', len(data)) + body + struct.pack('>I', zlib.crc32(body) & 0xffffffff)
    header = struct.pack('>IIBBBBB', size, size, 8, 2, 0, 0, 0)  # 8-bit RGB
    return (b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', header) +
            chunk(b'IDAT', zlib.compress(pixels, 9)) + chunk(b'IEND', b''))


def main():
    import sys
    for design in sys.argv[1:] or DESIGNS:
        os.makedirs(os.path.join(HERE, design, 'icons'), exist_ok=True)
        for size in (192, 512):
            path = os.path.join(HERE, design, 'icons', 'maskable-%d.png' % size)
            with open(path, 'wb') as out:
                out.write(png(size, render(design, size)))
            print(path, os.path.getsize(path), 'bytes')


if __name__ == '__main__':
    main()
