#!/usr/bin/env python3
"""Generate the sample network's small media files once (issue 16): they are committed, this script is kept.

- radio bulletins: a few seconds of Vietnamese speech (espeak-ng) encoded as 16 kbit/s mono MP3 (lame);
- a gallery (three JPEG photos drawn with Pillow), an infographic (PNG with its figures), a video poster;
- a three-second MP4 (ffmpeg's test pattern, H.264) with WebVTT captions.

Needs Debian's espeak-ng, lame and ffmpeg (apt-get install espeak-ng lame ffmpeg) and the project's venv
(Pillow). Run from the project root: .venv/bin/python scripts/make-sample-media.py
The whole set stays under 300 kB.
"""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parents[1]
RADIO = {
    "tien-du/files/phat-thanh/ban-tin-2026-01-15.mp3": "Đây là Đài Truyền thanh xã Tiên Du. Bản tin sáng ngày mười lăm tháng một.",
    "tien-du/files/phat-thanh/ban-tin-2026-09-10.mp3": "Kính thưa bà con, mời bà con nghe bản tin chiều ngày mười tháng chín.",
    "tien-du/files/phat-thanh/ban-tin-2026-11-20.mp3": "Thông báo khẩn: mưa lớn, bà con không qua ngầm tràn.",
    "dong-tien/files/phat-thanh/ban-tin-2025-07-28.mp3": "Đài Truyền thanh xã Đông Tiến xin kính chào bà con.",
    "dong-tien/files/phat-thanh/ban-tin-2026-10-20.mp3": "Mời bà con nghe bản tin ngày hai mươi tháng mười.",
}
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"


def radio() -> None:
    for rel, text in RADIO.items():
        dest = ROOT / "content" / "sites" / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory() as tmp:
            wav = Path(tmp) / "a.wav"
            subprocess.run(["espeak-ng", "-v", "vi", "-s", "150", "-w", str(wav), text], check=True)
            subprocess.run(["lame", "--quiet", "-m", "m", "-b", "16", "--resample", "16", str(wav), str(dest)], check=True)


def photo(dest: Path, sky: str, ground: str, seed: int, size=(1200, 800)) -> None:
    w, h = size
    im = Image.new("RGB", size, sky)
    d = ImageDraw.Draw(im)
    for y in range(h // 2):  # a soft sky
        shade = int(40 * y / (h // 2))
        d.line((0, y, w, y), fill=tuple(max(0, c - shade) for c in Image.new("RGB", (1, 1), sky).getpixel((0, 0))))
    d.rectangle((0, h * 0.6, w, h), fill=ground)
    for i in range(6):  # hills and houses
        x = (i * 211 + seed * 97) % w
        d.polygon([(x - 180, h * 0.6), (x, h * (0.32 + 0.04 * (i % 3))), (x + 180, h * 0.6)], fill=(60 + 20 * i % 80, 110, 70))
        d.rectangle((x - 40, h * 0.55, x + 40, h * 0.66), fill=(170, 60, 40))
    d.ellipse((w * 0.75, h * 0.08, w * 0.75 + 90, h * 0.08 + 90), fill=(250, 220, 120))
    dest.parent.mkdir(parents=True, exist_ok=True)
    im.save(dest, "JPEG", quality=55, optimize=True, progressive=True)


def infographic(dest: Path) -> None:
    w, h = 900, 1200
    im = Image.new("RGB", (w, h), "#fdfaf3")
    d = ImageDraw.Draw(im)
    big, small = ImageFont.truetype(FONT, 44), ImageFont.truetype(FONT, 30)
    d.rectangle((0, 0, w, 130), fill="#a50e0e")
    d.text((40, 40), "Chuyển đổi số tỉnh Bắc Ninh 2026", font=big, fill="white")
    rows = [("Hồ sơ trực tuyến", 82), ("Thanh toán trực tuyến", 64), ("Văn bản điện tử", 97), ("Người dân có tài khoản định danh", 88)]
    for i, (label, value) in enumerate(rows):
        y = 200 + i * 240
        d.text((40, y), label, font=small, fill="#1a1a1a")
        d.rectangle((40, y + 60, 40 + (w - 200) * value / 100, y + 130), fill="#c8102e")
        d.text((w - 140, y + 70), f"{value}%", font=big, fill="#1a1a1a")
    dest.parent.mkdir(parents=True, exist_ok=True)
    im.convert("P", palette=Image.Palette.ADAPTIVE, colors=16).save(dest, "PNG", optimize=True)


def video(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    subprocess.run(["ffmpeg", "-y", "-loglevel", "error", "-f", "lavfi", "-i", "testsrc=size=320x180:rate=10:duration=3",
                    "-f", "lavfi", "-i", "sine=frequency=440:duration=3", "-c:v", "libx264", "-pix_fmt", "yuv420p",
                    "-b:v", "60k", "-c:a", "aac", "-b:a", "24k", "-movflags", "+faststart", "-shortest",
                    str(folder / "khai-hoi-lim.mp4")], check=True)
    photo(folder / "khai-hoi-lim.jpg", "#9cc9e8", "#5d8f4a", 7, (640, 360))
    (folder / "khai-hoi-lim.vi.vtt").write_text(
        "WEBVTT\n\n00:00:00.000 --> 00:00:01.500\nLễ khai mạc Hội Lim năm 2026.\n\n"
        "00:00:01.500 --> 00:00:03.000\nLiền anh, liền chị hát quan họ trên thuyền.\n", encoding="utf-8")


def main() -> None:
    radio()
    sites = ROOT / "content" / "sites"
    for i, (sky, ground) in enumerate([("#87b5d8", "#6b8f3e"), ("#f2c57c", "#7d9a4b"), ("#a9c7e0", "#4f7f3a")], start=1):
        photo(sites / "tien-du" / "files" / "hoi-lim" / f"hoi-lim-{i}.jpg", sky, ground, i)
    infographic(sites / "bac-ninh" / "files" / "infographic" / "chuyen-doi-so-2026.png")
    video(sites / "bac-ninh" / "files" / "video")
    total = sum(p.stat().st_size for p in sites.rglob("*") if p.is_file() and p.suffix in (".mp3", ".jpg", ".png", ".mp4", ".vtt"))
    print(f"sample media: {total / 1024:.0f} kB")


if __name__ == "__main__":
    main()
