"""The routing table (谁主管、谁负责, notice 二(四)2): which unit leads on an appeal of a cost
category in a county. The office edits it; a dispatch without a named lead unit follows it."""
