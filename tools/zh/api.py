"""zh-Hant seed translations of the JSON API's shared messages (schema errors by field)."""

ZH = {
    "Enter a whole number.": "請輸入整數。",
    "Enter a number.": "請輸入數字。",
    "Enter true or false.": "請輸入 true 或 false。",
    "Enter a text.": "請輸入文字。",
    "Enter a list.": "請輸入清單。",
    "Enter an object.": "請輸入物件。",
    "Enter a valid date/time.": "請輸入有效的日期與時間。",
    "Ensure this value has at most %(max)s characters.": "此欄位最多 %(max)s 個字元。",
    "Ensure this list has at most %(max)s items.": "此清單最多 %(max)s 項。",
    "Ensure this value is less than or equal to %(limit_value)s.": "請確認此數值小於或等於 %(limit_value)s。",
    "Ensure this value is greater than or equal to %(limit_value)s.": "請確認此數值大於或等於 %(limit_value)s。",
    "Select a valid choice. %(value)s is not one of the available choices.": "請選擇有效的選項，%(value)s 不是可用的選項。",
    "Unknown field.": "未知的欄位。",
    "The body is not valid JSON.": "內容不是有效的 JSON。",
}
