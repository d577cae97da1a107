"""zh-Hant seed translations for the analytics app (incidents, hotspots, forecasts, near-repeat)."""

ZH = {
    "Analytics": "治安分析",
    "Enter a date as YYYY-MM-DD.": "請以 YYYY-MM-DD 格式輸入日期。",
    "Between 1 and %(n)s.": "須介於 1 與 %(n)s 之間。",
    "Must not be negative.": "不可為負數。",
    "Nothing was imported.": "未匯入任何資料。",
    "The file holds no incidents.": "檔案中沒有案件。",
    "Between 1 and 56 days.": "須介於 1 至 56 天。",
    "One of 1, 5 or 10.": "須為 1、5 或 10。",
    "No cell has any forecast risk.": "沒有任何網格有預測風險。",
    "No incidents of these categories in the year before the forecast start: nothing to forecast.": (
        "預測起點前一年內沒有這些類別的案件，無法預測。"
    ),
    "This unit has no boundary, so no map can be drawn for it.": "此單位沒有轄區界線，無法繪製地圖。",
    "Fewer cells have any risk than the largest coverage asks for; all of them are shown.": (
        "有風險的網格少於最大涵蓋比例所需數量，已全部顯示。"
    ),
    "CSV file": "CSV 檔案",
    "Import the valid rows even if some rows are bad": "即使部分列有錯誤，仍匯入正確的列",
    "The file is larger than 100 MB.": "檔案超過 100 MB。",
    "Upload a .csv file.": "請上傳 .csv 檔案。",
    "Categories": "案類",
    "Cell size (m)": "網格大小（公尺）",
    "Bandwidth (m)": "核密度頻寬（公尺）",
    "Horizon (days)": "預測期間（天）",
    "The end date must not be before the start date.": "結束日期不可早於開始日期。",
    "Enter a number.": "請輸入數字。",
    "%(label)s must be between %(lo)s and %(hi)s metres.": "%(label)s須介於 %(lo)s 與 %(hi)s 公尺之間。",
    "Unknown category: %(codes)s": "未知的案類：%(codes)s",
    "Cell size": "網格大小",
    "Bandwidth": "頻寬",
    "Bandwidth must be more than 0 metres.": "頻寬須大於 0 公尺。",
    "A %(cell)s m grid over this unit would have %(n)s cells, more than the limit of %(max)s: choose a larger cell size or a smaller unit.": (
        "此單位以 %(cell)s 公尺網格計算將有 %(n)s 格，超過上限 %(max)s 格：請選較大的網格或較小的單位。"
    ),
    "No incidents of the chosen categories in this unit during the chosen period: nothing to map.": (
        "所選期間內此單位沒有所選案類的案件，沒有可繪製的熱點。"
    ),
    "Only one incident: the surface is that incident's kernel; no hot spot can be tested.": (
        "只有一件案件：密度面僅為該案件的核函數，無法檢定熱點。"
    ),
    "All incidents are at the same place: no hot spot can be tested.": "所有案件位於同一地點，無法檢定熱點。",
    "The unit covers fewer than two grid cells: choose a smaller cell size.": "此單位不足兩個網格：請選較小的網格。",
    "The incidents lie outside this unit's area: nothing to map.": "案件位於此單位轄區之外，沒有可繪製的熱點。",
    "Only the densest cells are shown; choose a larger cell size to see more.": (
        "僅顯示密度最高的網格；選較大的網格可看到更多。"
    ),
    "The file is empty: expected a header line id,occurred_at,lat,lon,category.": (
        "檔案是空的：第一列應為標題 id,occurred_at,lat,lon,category。"
    ),
    "Missing column(s): %(cols)s.": "缺少欄位：%(cols)s。",
    "The file holds no incidents after the header.": "標題列之後沒有任何案件。",
    "Expected %(n)s fields, found %(m)s.": "應有 %(n)s 個欄位，實際為 %(m)s 個。",
    "At most %(n)s characters.": "最多 %(n)s 個字元。",
    "The id %(id)s repeats line %(line)s.": "編號 %(id)s 與第 %(line)s 列重複。",
    "“%(v)s” is not an ISO 8601 date-time.": "「%(v)s」不是 ISO 8601 日期時間。",
    "“%(v)s” has no UTC offset (write e.g. +08:00).": "「%(v)s」缺少時區（例如加上 +08:00）。",
    "“%(v)s” is in the future or before 1990.": "「%(v)s」是未來的時間或早於 1990 年。",
    "Coordinates out of range (latitude ±90, longitude ±180).": "座標超出範圍（緯度 ±90、經度 ±180）。",
    "Unknown category “%(v)s”.": "未知的案類「%(v)s」。",
    "Unknown unit “%(v)s”.": "未知的單位「%(v)s」。",
    "The point is not inside Tainan.": "地點不在臺南市內。",
    "The village holding the point has no beat.": "地點所在村里沒有警勤區。",
    "The point lies outside your jurisdiction.": "地點不在您的轄區內。",
    "This id belongs to an incident outside your jurisdiction.": "此編號屬於您轄區外的案件。",
    "near-repeat alerts": "近重複警示",
    "Burglary-type categories: a new incident may raise near-repeat alerts for nearby beats.": (
        "竊盜類案類：新案件可能對鄰近警勤區發出近重複警示。"
    ),
    "order": "排序",
    "incident category": "案類",
    "incident categories": "案類",
    "incident id": "案件編號",
    "occurred at": "發生時間",
    "x (EPSG:3826)": "x（EPSG:3826）",
    "y (EPSG:3826)": "y（EPSG:3826）",
    "reporting unit": "報案單位",
    "imported at": "匯入時間",
    "updated at": "更新時間",
    "incident": "案件",
    "incidents": "案件",
    "parameters": "參數",
    "result": "結果",
    "best method": "最佳方法",
    "computed at": "計算時間",
    "forecast evaluation": "預測評估",
    "forecast evaluations": "預測評估",
    "categories": "案類",
    "forecast start": "預測起點",
    "horizon (days)": "預測期間（天）",
    "cell size (m)": "網格大小（公尺）",
    "forecast": "預測",
    "forecasts": "預測",
    "near-repeat distance (m)": "近重複距離（公尺）",
    "near-repeat days": "近重複天數",
    "near-repeat test": "近重複檢定",
    "near-repeat tests": "近重複檢定",
    "distance (m)": "距離（公尺）",
    "days": "天數",
    "valid until": "有效至",
    "created at": "建立時間",
    "near-repeat alert": "近重複警示",
    "Occurred at": "發生時間",
    "Watch area": "注意範圍",
    "Valid until": "有效至",
    "within %(d)s m": "%(d)s 公尺內",
    "No active near-repeat alerts.": "目前沒有近重複警示。",
    "Near-repeat alerts": "近重複警示",
    "After a burglary-type incident, nearby homes face a raised risk for a short time. These alerts list recent incidents near your beats while that window lasts.": (
        "竊盜類案件發生後，附近住家短期內風險升高。以下列出您警勤區附近、仍在風險期間內的近期案件。"
    ),
    "Forecast evaluation": "預測評估",
    "Rolling-origin backtests: each weekly forecast uses only incidents before its start. Hit rate = share of the following week's incidents inside the top cells covering the given share of the area; PAI = hit rate ÷ area share (1 = no better than chance). The patrol focus boxes use the best method of the latest backtest.": (
        "滾動起點回測：每週預測只使用起點以前的案件。命中率＝下週案件落在涵蓋指定面積比例之最高風險網格內的比例；"
        "PAI＝命中率 ÷ 面積比例（1 表示與隨機無異）。巡邏熱區方格採用最近一次回測的最佳方法。"
    ),
    "Run a backtest on the database:": "以資料庫案件執行回測：",
    "From %(start)s, %(weeks)s weeks, %(cell)s m cells, horizon %(h)s days, %(n)s study cells.": (
        "自 %(start)s 起 %(weeks)s 週，網格 %(cell)s 公尺，預測期間 %(h)s 天，研究區 %(n)s 格。"
    ),
    "Method": "方法",
    "Hit rate": "命中率",
    "Test incidents": "測試案件數",
    "Seconds per forecast": "每次預測秒數",
    "No backtest stored yet: the focus boxes use the default method.": "尚無回測結果：巡邏熱區方格使用預設方法。",
    "Near-repeat (Knox) tests": "近重複（Knox）檢定",
    "Incidents": "案件",
    "Near-repeat window": "近重複範圍",
    "Computed at": "計算時間",
    "within %(d)s m and %(n)s days": "%(d)s 公尺、%(n)s 天內",
    "none found": "未發現",
    "No Knox test yet: they run with the nightly refresh.": "尚無 Knox 檢定：每晚更新時執行。",
    "All alerts": "全部警示",
    "Import incidents": "匯入案件",
    "CSV columns: id, occurred_at (ISO 8601 with a UTC offset, e.g. 2026-11-20T21:30:00+08:00), lat, lon (WGS84), category (code or name); optional: address, unit, source. Every row is checked first: the time, the coordinates (inside Tainan) and the category. Rows are matched by id, so importing a file again never duplicates incidents. If any row is bad nothing is imported, unless you ask to import the valid rows.": (
        "CSV 欄位：id、occurred_at（含時區的 ISO 8601，例如 2026-11-20T21:30:00+08:00）、lat、lon（WGS84）、"
        "category（代碼或名稱）；選填：address、unit、source。每一列都會先檢查時間、座標（須在臺南市內）與案類。"
        "依 id 比對，重複匯入同一檔案不會產生重複案件。只要有任何一列錯誤就不匯入，除非勾選只匯入正確的列。"
    ),
    "Imported": "已匯入",
    "Nothing was imported": "未匯入任何資料",
    "Rows": "列數",
    "Valid": "正確",
    "Bad rows": "錯誤列",
    "New": "新增",
    "Updated": "更新",
    "Unchanged": "未變更",
    "Incident id": "案件編號",
    "Address": "地址",
    "No incidents in your jurisdiction.": "您的轄區內沒有案件。",
    "Hotspot map": "熱點地圖",
    "Kernel density and Getis-Ord Gi* hot spots for any unit, category and period.": (
        "任一單位、案類與期間的核密度與 Getis-Ord Gi* 熱點。"
    ),
    "Patrol focus boxes": "巡邏熱區方格",
    "Next week's highest-risk cells covering 1, 5 and 10 percent of the area.": "下週風險最高、涵蓋轄區 1%、5%、10% 面積的網格。",
    "CSV of criminal cases or 110 calls; every row is checked first.": "刑案或 110 報案的 CSV；每列先經檢查。",
    "Show": "顯示",
    "Method: %(m)s (best in the backtest of %(d)s).": "方法：%(m)s（%(d)s 回測的最佳方法）。",
    "Method: %(m)s (no backtest stored yet; see the evaluation page).": "方法：%(m)s（尚無回測結果，請見預測評估頁）。",
    "Boxes: darkest = top 1 percent of the area, then 5 and 10 percent.": "方格：最深色＝面積前 1%，其次 5% 與 10%。",
    "Download CSV": "下載 CSV",
    "Download GeoJSON": "下載 GeoJSON",
    "Imported: %(c)s created, %(u)s updated, %(n)s unchanged.": "已匯入：新增 %(c)s、更新 %(u)s、未變更 %(n)s。",
    "Incidents per km²": "每平方公里案件數",
    "Significant hot spot (Gi*, p ≤ 0.05)": "顯著熱點（Gi*，p ≤ 0.05）",
    "cells": "格",
    "Computing…": "計算中…",
    "The layer could not be computed": "圖層無法計算",
    "Top %s %% of the area": "面積前 %s %%",
    "Rank": "排名",
    "hot cells": "熱點格",
    # near-repeat warnings to the community, backtest API
    "Choose a station, a precinct or the bureau (a beat is too small for a backtest).": (
        "請選擇派出所、分局或警察局（警勤區範圍太小，無法回測）。"
    ),
    "Choose on or off.": "請選擇開啟或關閉。",
    "Give a list of tag codes.": "請提供標籤代碼清單。",
    "Unknown tag: %(codes)s.": "不明的標籤：%(codes)s。",
    "The station has no chief: no message was sent to the community.": "派出所沒有所長：未發送訊息給社區。",
    "The message template %(code)s is missing.": "找不到訊息範本 %(code)s。",
    "No neighbourhood-watch contact is registered in the affected villages.": "受影響的村里沒有登錄守望相助隊聯絡對象。",
    "One of queued, running, done or failed.": "須為 queued、running、done 或 failed。",
    "Also warn the community through the messaging service": "同時透過訊息服務提醒社區",
    "Besides the neighbourhood-watch contacts, also warn": "除守望相助隊外，也提醒",
    "station": "派出所",
    "warn the community": "提醒社區",
    "also warn these contacts": "也提醒這些對象",
    "Neighbourhood-watch contacts are always warned; add other tags here.": "守望相助隊一律會收到提醒；可在此加選其他標籤。",
    "near-repeat community warning setting": "近重複社區提醒設定",
    "near-repeat community warning settings": "近重複社區提醒設定",
    "sent to the messaging service": "已交由訊息服務發送",
    "not sent: the station has no chief": "未發送：派出所沒有所長",
    "not sent: no contacts to warn": "未發送：沒有可提醒的對象",
    "not sent": "未發送",
    "near-repeat community warning": "近重複社區提醒",
    "near-repeat community warnings": "近重複社區提醒",
    "community warning": "社區提醒",
    "Community warning": "社區提醒",
    "campaign #%(n)s": "發送 #%(n)s",
    "Community warnings through the messaging service": "透過訊息服務提醒社區",
    "Community warnings": "社區提醒",
    "Neighbourhood-watch contacts of the affected villages are always warned; the message is the shared template near-repeat-burglary (zh-Hant and English) and never names the victim's address.": (
        "受影響村里的守望相助隊一律會收到提醒；訊息使用共用範本 near-repeat-burglary（中文與英文），"
        "不會提及被害人地址。"
    ),
    "Messages are sent on behalf of the station chief, %(who)s.": "訊息以派出所所長 %(who)s 的名義發送。",
    "This station has no chief: no message will be sent (the alerts will say so).": (
        "此派出所沒有所長：不會發送訊息（警示上會註明）。"
    ),
    "When a station switches this on, the near-repeat alerts an import raises for its beats are also sent, as one message per import, to the neighbourhood-watch contacts of the affected villages, in the station chief's name. Off by default.": (
        "派出所開啟後，匯入案件時對其警勤區發出的近重複警示，也會以所長名義、每次匯入一則訊息，"
        "發送給受影響村里的守望相助隊聯絡對象。預設關閉。"
    ),
    "Also warn": "也提醒",
    "Changed": "變更時間",
    "on": "開啟",
    "off": "關閉",
    "Change": "變更",
    "No station in your jurisdiction.": "您的轄區內沒有派出所。",
}

PLURALS = {
    "%(n)s incident": "%(n)s 件案件",
    "%(n)s incident in your jurisdiction": "轄區內有 %(n)s 件案件",
    "%(n)s stored backtest": "已儲存 %(n)s 次回測",
    "%(n)s active alert": "%(n)s 則有效警示",
    "%(n)s open alert": "%(n)s 則未確認警示",
    "%(n)s recipient": "%(n)s 個收件對象",
}

ZH.update(
    {
        "latitude": "緯度",
        "longitude": "經度",
        "method": "方法",
        "Latitude and longitude must be numbers.": "經緯度必須是數字。",
    }
)

# alert acknowledgement, backtests from the evaluation page
ZH.update(
    {
        "This alert has already been acknowledged.": "此警示已確認過。",
        "Enter a number from %(lo)s to %(hi)s.": "請輸入 %(lo)s 至 %(hi)s 之間的數字。",
        "Choose a unit in your jurisdiction.": "請選擇您轄區內的單位。",
        "Choose a known category.": "請選擇已知的案類。",
        "Choose a known method.": "請選擇已知的方法。",
        "The last test window would end after today: choose an earlier start or fewer weeks.": (
            "最後一個測試期間會晚於今天結束：請選擇較早的起始日或較少的週數。"
        ),
        "You already have %(n)s backtests waiting; wait for them to finish.": (
            "您已有 %(n)s 個回測在等候中，請待其完成。"
        ),
        "First forecast start": "第一次預測起始日",
        "Weeks": "週數",
        "all (pick the best)": "全部（選出最佳者）",
        "running": "執行中",
        "error": "錯誤",
        "started at": "開始時間",
        "finished at": "完成時間",
        "backtest run": "回測",
        "backtest runs": "回測",
        "acknowledged at": "確認時間",
        "acknowledged by": "確認者",
        "Acknowledged": "已確認",
        "by %(who)s, %(when)s": "%(who)s 於 %(when)s",
        "Start a backtest": "開始回測",
        "The backtest runs in the background on the unit's incidents; reload this page to see it finish.": (
            "回測會在背景以該單位的案件執行；重新整理本頁即可看到結果。"
        ),
        "Start backtest": "開始回測",
        "Backtests started here": "由本頁啟動的回測",
        "Parameters": "參數",
        "Started at": "開始時間",
        "From %(start)s, %(weeks)s weeks, %(cell)s m cells, horizon %(h)s days, method %(m)s": (
            "自 %(start)s 起 %(weeks)s 週，網格 %(cell)s 公尺，預測期 %(h)s 天，方法 %(m)s"
        ),
        "Backtest queued: the result appears below when it is done.": "回測已排入佇列，完成後結果會顯示於下方。",
        "Alert acknowledged.": "已確認警示。",
    }
)
