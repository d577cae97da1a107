"""zh-Hant seed translations for the shared map base, pickers, forms and imports."""

ZH = {
    "Base map could not load; showing district and village boundaries.": "底圖無法載入，以行政區界顯示",
    "Find a village or district": "搜尋里或行政區",
    "Use my location": "使用我的位置",
    "Location not available": "無法取得位置",
    "%s layer(s) failed to load": "%s 個圖層載入失敗",
    "Chosen location": "選定位置",
    "Map: click to choose the location": "地圖：點選以指定位置",
    "Click the map, search a village or use your location; the latitude and longitude fill in.": (
        "點選地圖、搜尋里名或使用您的位置，經緯度會自動填入。"
    ),
    "No such import.": "沒有這種匯入項目。",
    "Reason": "事由",
    "For authorised police and partner use only. Every sign-in, every record opened and every change is recorded in the audit log with its reason; unlawful use of personal data is an offence under the Personal Data Protection Act.": (
        "僅限經授權之警察及協力夥伴使用。每次登入、查閱與異動均連同事由記錄於稽核紀錄；違法使用個人資料將依個人資料保護法處理。"
    ),
}

ZH.update(
    {
        "Table": "資料表",
        "Download CSV": "下載 CSV",
        "Download PNG": "下載 PNG",
        "No data.": "沒有資料。",
        "Incidents per month by category": "各月案件數（依類別）",
        "incidents": "件",
        "month": "月份",
        "other": "其他",
        "Share of the next week's incidents inside the top-ranked area, by method": "各方法前段風險區涵蓋下週案件的比例",
        "% of incidents": "案件比例（%）",
        "area covered": "涵蓋面積",
    }
)

ZH.update(
    {
        "Pages": "分頁",
        "Previous": "上一頁",
        "Next": "下一頁",
        "Page %(n)s of %(total)s · %(count)s in all": "第 %(n)s／%(total)s 頁 · 共 %(count)s 筆",
        "Part of": "隸屬",
        "Precinct": "分局",
    }
)

ZH.update(
    {
        "To do today": "今日待辦",
        "Nothing waits for you today.": "今天沒有待辦事項。",
    }
)
PLURALS = {
    "%(n)s near-repeat alert to act on": "%(n)s 則近重複案件警示待處理",
    "%(n)s backtest failed this week": "本週 %(n)s 次回測失敗",
    "%(n)s backtest waiting or running": "%(n)s 次回測等待或執行中",
    "Incident data is %(n)s day old: import the latest cases": "案件資料已 %(n)s 天未更新：請匯入最新案件",
}

ZH.update(
    {
        "Know & visit": "查訪",
        "Care": "關懷",
        "Take part": "參與",
        "In the community": "融入",
        "Problem solving": "問題導向",
        "Analysis": "分析",
        "Administration": "管理",
        "Menu": "選單",
        "Shortcuts": "常用功能",
        "Today": "今日",
    }
)

PLURALS.update(
    {
        "%(n)s new tip to read": "%(n)s 則新線報待閱",
        "%(n)s campaign waiting for your approval": "%(n)s 則訊息待您核准",
        "%(n)s visit overdue": "%(n)s 件查訪逾期",
        "%(n)s visit due": "%(n)s 件應查訪",
        "%(n)s unread notice": "%(n)s 則未讀通報",
        "%(n)s open search request": "%(n)s 件協尋中",
    }
)
