"""E-mail confirmation codes (optional: on when ``PORTAL_SMTP_HOST`` is set), sent with smtplib."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage

from portal.service.config import Smtp


def send_code(smtp: Smtp, to: str, code: str, digits: str, site_name: str) -> None:
    """Send the 6-digit *digits* confirming the item *code* to *to*. Raises OSError/SMTPException."""
    msg = EmailMessage()
    msg["From"] = smtp.sender
    msg["To"] = to
    msg["Subject"] = f"Mã xác nhận {digits} – {site_name}"
    msg.set_content(
        f"Cổng thông tin {site_name} đã nhận nội dung bạn gửi, mã theo dõi {code}.\n\n"
        f"Mã xác nhận thư điện tử của bạn là: {digits}\n\n"
        "Nhập mã này trên trang biên nhận để Ban Biên tập tiếp nhận. "
        "Nếu bạn không gửi nội dung nào, hãy bỏ qua thư này.\n")
    with smtplib.SMTP(smtp.host, smtp.port, timeout=10) as server:
        if smtp.starttls:
            server.starttls()
        if smtp.user:
            server.login(smtp.user, smtp.password)
        server.send_message(msg)
