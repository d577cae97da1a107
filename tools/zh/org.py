"""zh-Hant translations of the task-worker messages (jingmin.org.workers and the pages' note)."""

ZH = {
    "This work is waiting for a background worker, and none is running: it will not go ahead until one starts.": (
        "這項工作正在等待背景工作程式，但目前沒有背景工作程式在執行：啟動之前不會進行。"
    ),
    "Start one on the server with <code>jingmin worker</code> (or serve with <code>jingmin serve</code>, "
    "which starts its own).": (
        "請在伺服器上執行 <code>jingmin worker</code> 啟動一個（或以 <code>jingmin serve</code> 提供網站服務，"
        "它會自行啟動背景工作程式）。"
    ),
    "The task worker stopped while running this backtest: start it again.": (
        "背景工作程式在執行這次回測時停止了：請重新開始回測。"
    ),
}
