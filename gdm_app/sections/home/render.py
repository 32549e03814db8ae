"""Draw the home page's thumbnails as PNG files, from the pages' own figures.

    python -m gdm_app.sections.home.render          # writes assets/thumbs/*.png, manifest.json

Each figure of :data:`gallery.FIGURES` is drawn by Plotly's own renderer (``Plotly.toImage``,
the plotly.js that the ``plotly`` package ships, inline: nothing is fetched) in headless
Chromium (Debian's ``chromium``), light and dark (``present.restyled``, as a live chart would
be), at twice :data:`gallery.IMAGE_SIZE`. The PNGs are reduced to a 256-colour palette (a
thumbnail has few colours; it quarters the files). ``manifest.json`` records each figure's
:func:`gallery.fingerprint`, which ``tests/test_page_home.py`` compares with the figures the
builders make now. Run it again after changing a figure builder that a thumbnail uses.
"""

from __future__ import annotations

import base64
import io
import json
import shutil
import sys

import plotly.io as pio
from plotly.offline import get_plotlyjs
from plotly.utils import PlotlyJSONEncoder

from gdm_app.sections.home import gallery
from gdm_app.ui import present

LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
TO_IMAGE = """async ([fig, w, h]) => {
  const url = await Plotly.toImage(fig, {format: 'png', width: w, height: h, scale: 2});
  return url.slice(url.indexOf(',') + 1);
}"""


def _png(data: bytes) -> bytes:
    from PIL import Image

    image = Image.open(io.BytesIO(data)).convert("RGB")
    out = io.BytesIO()
    image.quantize(256, method=Image.Quantize.MEDIANCUT).save(out, "PNG", optimize=True)
    return out.getvalue()


def main() -> int:
    from playwright.sync_api import sync_playwright

    chromium = shutil.which("chromium")
    if chromium is None:
        print("needs Debian's chromium (apt-get install chromium)", file=sys.stderr)
        return 1
    gallery.THUMBS.mkdir(parents=True, exist_ok=True)
    manifest = {"image_size": list(gallery.IMAGE_SIZE), "figures": {}}
    width, height = gallery.IMAGE_SIZE
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=LAUNCH_ARGS)
        page = browser.new_page()
        page.set_content("<html><body></body></html>")
        page.add_script_tag(content=get_plotlyjs())
        for file, build in gallery.FIGURES.items():
            fig = build()
            manifest["figures"][file] = gallery.fingerprint(fig)
            for dark in (False, True):
                spec = (json.loads(json.dumps(present.restyled(fig, False, True),
                                              cls=PlotlyJSONEncoder))
                        if dark else json.loads(pio.to_json(fig, validate=False)))
                data = base64.b64decode(page.evaluate(TO_IMAGE, [spec, width, height]))
                path = gallery.image_path(file, dark)
                path.write_bytes(_png(data))
                print(f"{path.relative_to(gallery.THUMBS.parent.parent)}: "
                      f"{path.stat().st_size / 1024:.0f} KB")
        browser.close()
    gallery.MANIFEST.write_text(json.dumps(manifest, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
