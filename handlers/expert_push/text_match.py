"""BM25 over jieba-segmented Chinese text: how well each expert's writing matches a demand.

jieba builds its dictionary on first use (about a second) and logs while doing so: it is initialised once,
lazily, with its logger quietened.
"""

from __future__ import annotations

import logging
import re
import threading
import warnings
from collections.abc import Sequence
from typing import Any

_lock = threading.Lock()
_ready = False

# Words too common in demands and CVs to tell anything apart.
_STOP = frozenset(
    {
        "我们",
        "需要",
        "进行",
        "相关",
        "技术",
        "研究",
        "问题",
        "提供",
        "以及",
        "通过",
        "实现",
        "希望",
        "企业",
        "公司",
        "项目",
        "方面",
        "主要",
        "具有",
        "能够",
        "一个",
        "一种",
        "开展",
        "解决",
        "提高",
        "工作",
        "方法",
        "应用",
        "要求",
    }
)
_WORD = re.compile(r"[\u4e00-\u9fff]{2,}|[A-Za-z][A-Za-z0-9+#.-]{1,}")


def _jieba() -> Any:
    global _ready
    with warnings.catch_warnings():
        # jieba 0.42 (2020) has regex literals with invalid escapes: a SyntaxWarning when first compiled.
        warnings.simplefilter("ignore", SyntaxWarning)
        warnings.simplefilter("ignore", DeprecationWarning)
        import jieba

    if not _ready:
        with _lock:
            if not _ready:
                jieba.setLogLevel(logging.WARNING)
                jieba.initialize()
                _ready = True
    return jieba


def tokens(text: str) -> list[str]:
    """Meaningful words: two or more Chinese characters, or a Latin term; lower-cased; stop words dropped."""
    jieba = _jieba()
    words = (w.strip().lower() for w in jieba.lcut(text))
    return [w for w in words if _WORD.fullmatch(w) and w not in _STOP]


def bm25_scores(query: Sequence[str], documents: Sequence[Sequence[str]]) -> list[float]:
    """One score per document; 0 for all when there is nothing to compare."""
    if not query or not documents or not any(documents):
        return [0.0] * len(documents)
    from rank_bm25 import BM25Plus

    # rank-bm25 divides by the average length: an empty document gets one placeholder token.
    corpus = [list(doc) or ["\u0000"] for doc in documents]
    # An institution keeps a handful of experts: Okapi's IDF is zero or negative for a word half of them
    # use. BM25+'s IDF, log((N+1)/n), stays positive; with delta 0 a document without the words scores 0.
    model = BM25Plus(corpus, delta=0.0)
    return [max(0.0, float(s)) for s in model.get_scores(list(query))]


def shared_words(query: Sequence[str], document: Sequence[str], limit: int = 3) -> list[str]:
    """The query's words the document also uses, longest first (the most telling), in query order on ties."""
    present = set(document)
    found = list(dict.fromkeys(w for w in query if w in present))
    return sorted(found, key=lambda w: -len(w))[:limit]
