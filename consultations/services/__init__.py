"""Business rules of counter consultations: the only place that writes consultations data.

Seed 000 §2 (窓口の人員体制 and 相談対応のイメージ図) and §3 ２ (地域活動の相談（入口）機能):
一般相談 are answered at the counter; 専門的相談 are heard and relayed (聞き取り・取り次ぎ・調整)
to an NPO-center operator; 町会・自治会 and other non-NPO bodies are handled by 区職員; 会計・
税務・労務 questions go to a 専門相談 session held by appointment. What the counter offers depends
on the time of day. The system suggests a route; the clerk decides.

Every function that writes runs in one transaction and writes its access-log line in that same
transaction, so a change is never saved without its log line (and vice versa).
"""
