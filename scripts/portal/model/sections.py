"""The sections (categories) a portal publishes, after Decree 42/2022/NĐ-CP art. 4.

sites.yaml may change the list per kind (``defaults.sections.<kind>``) or per site
(``sections``); the names below are the defaults for the known slugs.
"""

from __future__ import annotations

KINDS = ("province", "department", "district", "commune", "ward")
LANGUAGES = ("vi", "en", "ja", "zh", "ko")

#: Top-level paths of every site that no section or page may take: lists, feeds, search
#: bundles, files, the theme, the interaction service and the web editor, languages.
RESERVED_PATHS = frozenset({
    "feeds", "tag", "page", "theme", "static", "files", "pagefind", "pagefind-chi-dao", "tim-kiem",
    "tim-kiem-toan-tinh", "cac-cong-thanh-phan", "cham-diem", "kiem-tra-thong-tin-bat-buoc", "api", "admin", "editor", "sitemap",
    "robots", "404", *LANGUAGES,
    "qr", "media", "changes",  # the QR poster, the media origin's proxied path, the changes feed (issue 16)
})

#: slug → name per language
CATALOG: dict[str, dict[str, str]] = {
    "tin-tuc": {
        "vi": "Tin tức - Sự kiện", "en": "News and events", "ja": "ニュース・イベント",
        "zh": "新闻动态", "ko": "뉴스·행사",
    },
    "chi-dao-dieu-hanh": {
        "vi": "Chỉ đạo điều hành", "en": "Direction and administration",
        "ja": "指導・運営", "zh": "指导与管理", "ko": "지도·운영",
    },
    "van-ban": {
        "vi": "Văn bản", "en": "Legal documents", "ja": "法令文書", "zh": "法律文件",
        "ko": "법령 문서",
    },
    "thong-bao": {
        "vi": "Thông báo", "en": "Announcements", "ja": "お知らせ", "zh": "通知公告",
        "ko": "공지사항",
    },
    "thu-tuc-hanh-chinh": {
        "vi": "Thủ tục hành chính", "en": "Administrative procedures", "ja": "行政手続き",
        "zh": "行政手续", "ko": "행정 절차",
    },
    "quy-hoach-ke-hoach": {
        "vi": "Quy hoạch - Kế hoạch", "en": "Plans and planning", "ja": "計画・都市計画",
        "zh": "规划与计划", "ko": "계획·도시계획",
    },
    "du-an-dau-thau": {
        "vi": "Dự án đầu tư - Đấu thầu", "en": "Investment projects and procurement",
        "ja": "投資プロジェクト・入札", "zh": "投资项目与招标", "ko": "투자 사업·입찰",
    },
    "ngan-sach-thong-ke": {
        "vi": "Ngân sách - Thống kê", "en": "Budget and statistics", "ja": "予算・統計",
        "zh": "预算与统计", "ko": "예산·통계",
    },
    "hoi-dap": {
        "vi": "Hỏi đáp", "en": "Questions and answers", "ja": "質疑応答", "zh": "问答",
        "ko": "질의응답",
    },
    "du-thao": {
        "vi": "Lấy ý kiến dự thảo", "en": "Drafts for comment", "ja": "意見募集中の草案",
        "zh": "草案征求意见", "ko": "의견 수렴 초안",
    },
    "to-chuc-can-bo": {
        "vi": "Tổ chức - Cán bộ", "en": "Organisation and personnel", "ja": "組織・人事",
        "zh": "组织与人事", "ko": "조직·인사",
    },
    "thong-tin-bao-chi": {
        "vi": "Thông tin báo chí", "en": "Press releases", "ja": "報道発表", "zh": "新闻发布",
        "ko": "보도자료",
    },
    "phat-thanh": {
        "vi": "Phát thanh cơ sở", "en": "Commune radio news", "ja": "地域ラジオ放送",
        "zh": "基层广播", "ko": "지역 라디오 방송",
    },
}

#: what citizens come for most: first in the phone's section menu, whatever the site's order (issue 19.2)
MENU_FIRST = ("van-ban", "thu-tuc-hanh-chinh")


def menu_order(slugs: list[str]) -> list[str]:
    """*slugs* with :data:`MENU_FIRST` first, the others in their order."""
    return [s for s in MENU_FIRST if s in slugs] + [s for s in slugs if s not in MENU_FIRST]


#: Every portal must carry the sections that shared content lands in.
REQUIRED = ("chi-dao-dieu-hanh",)

_COMMON = [
    "tin-tuc", "chi-dao-dieu-hanh", "van-ban", "thong-bao", "thu-tuc-hanh-chinh",
    "quy-hoach-ke-hoach", "du-an-dau-thau", "ngan-sach-thong-ke", "hoi-dap", "du-thao",
    "to-chuc-can-bo",
]

DEFAULTS: dict[str, list[str]] = {
    "province": [*_COMMON, "thong-tin-bao-chi"],
    "department": list(_COMMON),
    "district": [*_COMMON, "phat-thanh"],
    "commune": [*_COMMON, "phat-thanh"],
    "ward": [*_COMMON, "phat-thanh"],
}
