"""zh-Hant translations for sign-in security: two-factor, lockout, exports."""

ZH = {
    "Enter the 6-digit code from your authenticator app first (two-factor sign-in).": "請先輸入驗證器 App 的 6 位數驗證碼（兩步驟登入）。",
    "Too many failed sign-in attempts from this computer: signing in as this user is locked for %(n)d minutes.": "此電腦登入失敗次數過多：此帳號自此電腦登入已鎖定 %(n)d 分鐘。",
    "Only administrators may unlock sign-ins.": "只有系統管理員可以解除登入鎖定。",
    "This lockout has already ended or been lifted.": "此鎖定已結束或已解除。",
    "Signing in as %(user)s from %(ip)s is unlocked.": "已解除 %(user)s 自 %(ip)s 的登入鎖定。",
    "Sign-in lockouts": "登入鎖定",
    "A username is locked from one computer's address after repeated wrong passwords; the wait doubles with each lockout in a day. Unlock only after confirming with the officer.": "同一帳號自同一電腦位址連續輸入錯誤密碼後即鎖定；一天內每再鎖定一次，等待時間加倍。請先與該員確認後再解除。",
    "IP address": "IP 位址",
    "Failures": "失敗次數",
    "Last attempt": "最後嘗試",
    "Unlock": "解除鎖定",
    "No sign-in is locked now.": "目前沒有鎖定的登入。",
    "The upload is malformed (multipart body without a boundary).": "上傳內容格式錯誤（multipart 主體缺少分隔界線 boundary）。",
}

ZH.update({"The request body is too large.": "請求內容過大。"})
