"""Keywords of a paper: the phrases of its title and abstract that say most about it, by tf-idf.

Candidates are runs of one to three words from the paper's own text, so nothing is invented, and they
must read as noun phrases: runs break at punctuation, TeX, stop words, verbs, auxiliaries and adverbs,
and a phrase may neither end on an adjective or participle nor start on a verb (`_noun_phrase`; no
tagger model ships with the package, so these are word lists and endings, judged by hand on 50 papers in
bench/keyphrases-judged.md). Each is scored by how often it occurs in the paper (title words count
double) times how rare its words are across the store (inverse document frequency of words, counted as
papers are indexed, in `word_df`). The best five distinct ones are kept.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from paperfeed.search.query import STOPWORDS
from paperfeed.store.db import driver_rows, upsert
from paperfeed.store.index_state import read_state, write_state
from paperfeed.store.schema import paper_keywords, papers, word_df

KEEP = 5
MAX_WORDS = 3
WATERMARK = "keywords_v2_through"  # v2: noun phrases; a store indexed by v1 is picked again from the start
_EXTRA_STOP = frozenset(
    (
        "also",
        "been",
        "both",
        "but",
        "each",
        "more",
        "most",
        "such",
        "than",
        "then",
        "there",
        "they",
        "through",
        "under",
        "over",
        "only",
        "other",
        "show",
        "shows",
        "shown",
        "paper",
        "propose",
        "proposed",
        "present",
        "results",
        "result",
        "approach",
        "method",
        "methods",
        "new",
        "novel",
        "based",
        "however",
        "well",
        "not",
        "between",
        "may",
        "all",
        "two",
        "one",
        "how",
        "when",
        "where",
        "which",
        "who",
        "will",
        "would",
        "these",
        "those",
        "was",
        "were",
        "here",
        "its",
        "do",
        "does",
        "into",
        "our",
        "us",
        "use",
        "used",
        "study",
    )
)
# Words that end a noun phrase wherever they stand: auxiliaries and modals, the verbs abstracts use
# most (base, -s and -ed forms), function words of the other languages arXiv titles come in.
_AUXILIARIES = (
    "can could should must might shall is are be being am has have had did done doing get gets got "
    "if whether although though because since unless until whereas thus hence therefore so very much even yet "
    "still just about against among within without across along around beyond upon per toward towards during "
    "before after above below up down out off again once some any every three four five six seven eight nine ten "
    "themselves itself them he she his her him you your we i me my ones"
)
_VERBS = (
    "achieve address allow apply argue arise assume attain become begin bring build call capture carry cause "
    "combine compare compute confirm consider consist construct contain contribute demonstrate derive describe "
    "design determine develop discuss display enable enhance ensure establish estimate evaluate examine exhibit "
    "exist explain exploit explore extend find follow give go grow guarantee help highlight identify illustrate "
    "implement improve include incorporate increase indicate infer introduce investigate involve keep lack lead "
    "leverage lie make mean measure mitigate need observe obtain occur offer operate outperform perform permit "
    "predict prefer present produce prove provide reach reduce reflect remain report represent require resolve "
    "reveal scale seek seem serve solve stem suggest support surpass take tend think treat turn undergo unify "
    "utilize validate vary verify yield teach learn intersect uncover retain simulate"
)
_FOREIGN = "au aux avec dans de des du en et la le les par pour sur un une der die das und von zu mit el los las y con"


def _forms(verb: str) -> set[str]:
    third = verb + ("es" if verb.endswith(("s", "sh", "ch", "x", "o")) else "s")
    if verb.endswith("y") and verb[-2] not in "aeiou":
        third = verb[:-1] + "ies"
    return {verb, third}


BREAKS = frozenset(_AUXILIARIES.split()) | frozenset(_FOREIGN.split()) | {f for v in _VERBS.split() for f in _forms(v)}
STOP = STOPWORDS | _EXTRA_STOP | BREAKS
# Endings and words that make a word an adjective (or a participle): a phrase never ends on one.
_ADJECTIVE_ENDINGS = (
    "ous",
    "ive",
    "ic",
    "ical",
    "al",
    "able",
    "ible",
    "ful",
    "less",
    "ed",
    "wise",
    "ary",
    "ant",
    "ent",
)
_ADJECTIVE_PARTS = (
    "level",
    "based",
    "like",
    "aware",
    "free",
    "order",
    "specific",
    "driven",
    "guided",
    "dependent",
    "invariant",
    "dimensional",
    "lived",
    "induced",
    "scale",
    "wavelength",
    "length",
    "resolution",
)
_ADJECTIVES_TEXT = (
    "large small high low deep fast slow long short strong weak good better best simple complex different various "
    "multiple several sparse dense diffuse pure open parallel single double main key first second third higher "
    "lower larger smaller wide narrow broad rich full direct inverse exact optimal minimal maximal general specific "
    "recent current previous prior standard common real true hard soft steep stable unstable mobile remote explicit "
    "implicit many few whole entire same own certain further modest compact scalar irregular regular similar "
    "circular linear nonlinear molecular cellular stellar solar polar nuclear singular modular granular angular "
    "particular popular familiar peculiar robust"
)
_ADJECTIVES = frozenset(_ADJECTIVES_TEXT.split())
# Nouns with those endings, common in papers (a noun may end a phrase).
_NOUNS_TEXT = (
    "signal interval potential material proposal journal terminal animal crystal metal capital manual tutorial "
    "trial integral differential principal chemical individual residual spiral arrival removal survival retrieval "
    "reversal rival approval rehearsal denial portal mineral topic logic music arithmetic mechanic agent gradient "
    "component element moment event student patient experiment segment content environment treatment argument "
    "document client parent percent coefficient quotient solvent current exponent ingredient recipient respondent "
    "descent extent intent constant variant invariant plant participant quadrant assistant reactant pollutant "
    "mutant dopant determinant objective derivative alternative primitive perspective initiative narrative "
    "directive incentive archive library boundary summary dictionary vocabulary binary glossary anniversary speed "
    "seed need feed bed embed shed hundred red network framework"
)
_NOUNS = frozenset(_NOUNS_TEXT.split())
# Words in -ing that are things (a phrase may start or end on one); other -ing words are verbs here.
_ING_NOUNS_TEXT = (
    "learning training reasoning modeling modelling embedding encoding decoding sampling clustering computing "
    "processing scheduling parsing pruning tuning fine-tuning pretraining pre-training prompting planning mapping "
    "scaling routing caching indexing ranking forecasting filtering tracking imaging heating cooling hashing "
    "merging masking pooling labeling labelling matching rendering editing coding testing boosting smoothing "
    "averaging understanding engineering programming spelling string ring thing king spring wing painting building "
    "setting offering lensing scattering doping tunneling tunnelling bonding binding folding docking screening "
    "sensing shielding gating splitting pairing ordering damping broadening mixing heating"
)
_ING_NOUNS = frozenset(_ING_NOUNS_TEXT.split())
_WORD = r"[^\W\d_][\w]*(?:-[\w]+)*"
_TOKEN_RE = re.compile(rf"{_WORD}|\S")
# TeX: an accented letter reads as its letter (Schr\"odinger), a command or a formula breaks the run.
_TEX_ACCENT = re.compile(r"\{?\\+[\"'`^~=.Huvc]\{?\s*([A-Za-z])\}?\}?")
_TEX_DROP = re.compile(r"\$[^$]*\$|\\[A-Za-z]+")


def _chunks(text: str) -> list[list[str]]:
    """Split a text into runs of content words, breaking at punctuation, TeX, stop words, verbs and adverbs."""
    text = _TEX_DROP.sub(" . ", _TEX_ACCENT.sub(r"\1", text))
    runs: list[list[str]] = []
    current: list[str] = []
    for token in _TOKEN_RE.findall(text):
        word = token.lower()
        if len(word) < 2 or word in STOP or not word[0].isalpha() or _adverb(word):
            if current:
                runs.append(current)
            current = []
        else:
            current.append(word)
    if current:
        runs.append(current)
    return runs


def _adverb(word: str) -> bool:
    return (
        word.endswith("ly") and len(word) > 5 and word not in ("family", "anomaly", "assembly", "monopoly", "butterfly")
    )


def _adjective(word: str) -> bool:
    """Is this word (the last of a phrase) an adjective or a participle rather than a noun?"""
    if word in _NOUNS or word in _ING_NOUNS:
        return False
    last = word.rsplit("-", 1)[-1]
    if "-" in word and last in _ADJECTIVE_PARTS:
        return True
    return word in _ADJECTIVES or last in _ADJECTIVES or (len(last) > 4 and last.endswith(_ADJECTIVE_ENDINGS))


def _noun_phrase(parts: list[str]) -> bool:
    """Does a run of words read as a noun phrase: a head noun last, no verb first, no word twice?"""
    first, last = parts[0], parts[-1]
    if _adjective(last) or len(set(parts)) < len(parts):
        return False
    # An -ing word first is a verb ("navigating ..."), unless it names a thing (learning); last, after a noun,
    # it names an activity ("electron heating", "type II censoring"); alone, only a known thing.
    if first.endswith("ing") and first not in _ING_NOUNS:
        return False
    return not (len(parts) == 1 and last.endswith("ing") and last not in _ING_NOUNS)


def words(text: str) -> set[str]:
    """The distinct content words of a text (what document frequencies count)."""
    return {w for run in _chunks(text) for w in run}


def candidates(title: str, abstract: str) -> Counter[str]:
    """Return each candidate phrase with its weighted count in the paper."""
    counts: Counter[str] = Counter()
    for text, weight in ((title, 2), (abstract, 1)):
        for run in _chunks(text):
            for n in range(1, MAX_WORDS + 1):
                for i in range(len(run) - n + 1):
                    counts[" ".join(run[i : i + n])] += weight
    return counts


def pick_keyphrases(title: str, abstract: str, df: dict[str, int], documents: int) -> list[str]:
    """Return up to five keywords, best first, none contained in a better one."""
    found = candidates(title, abstract)
    idf = {w: math.log((documents + 1) / (df.get(w, 0) + 1)) + 1.0 for phrase in found for w in phrase.split()}
    scored = []
    for phrase, count in found.items():
        parts = phrase.split()
        if (len(parts) == 1 and len(phrase) < 4) or not _noun_phrase(parts):
            continue
        rarity = sum(idf[w] for w in parts) / len(parts)
        # Longer phrases that recur are what a reader would call the topic.
        scored.append((count * rarity * (1 + 0.5 * (len(parts) - 1)), phrase))
    scored.sort(key=lambda sp: (-sp[0], sp[1]))
    kept: list[str] = []
    for _, phrase in scored:
        if any(phrase in k or k in phrase for k in kept):
            continue
        kept.append(phrase)
        if len(kept) == KEEP:
            break
    return kept


def _upsert_df(conn: Connection, increments: Counter[str]) -> None:
    if not increments:
        return
    stmt = upsert(conn, word_df)
    stmt = stmt.on_conflict_do_update(index_elements=["word"], set_={"df": word_df.c.df + stmt.excluded.df})
    items = list(increments.items())
    for start in range(0, len(items), 5000):
        conn.execute(stmt, [{"word": w[:64], "df": n} for w, n in items[start : start + 5000]])


def index_keyphrases(conn: Connection, batch: int = 2000) -> int:
    """Count the words of papers modified since the last run, then (re)pick their keywords; return how many.

    Run in a transaction. Two streamed passes, so memory stays flat at any size.
    A new version counts its words again: document frequencies drift up slightly
    with revisions, which idf barely feels.
    """
    mark = read_state(conn, WATERMARK)
    newest = conn.execute(sa.select(sa.func.max(papers.c.modified_at))).scalar()
    if newest is None:
        return 0
    if not mark:  # every paper is counted again below: a count kept from an earlier pass would double
        conn.execute(word_df.delete())
    changed = sa.select(papers.c.id, papers.c.title, papers.c.abstract).order_by(papers.c.id)
    if mark:
        changed = changed.where(papers.c.modified_at >= datetime.fromisoformat(mark))
    increments: Counter[str] = Counter()
    for chunk in conn.execute(changed.execution_options(yield_per=batch)).partitions():
        for row in chunk:
            increments.update(words(f"{row.title} {row.abstract}"))
    _upsert_df(conn, increments)
    documents = int(conn.execute(sa.select(sa.func.count()).select_from(papers)).scalar() or 0)
    done = 0
    for chunk in conn.execute(changed.execution_options(yield_per=batch)).partitions():
        vocabulary = set().union(*(words(f"{r.title} {r.abstract}") for r in chunk))
        df = dict(conn.execute(sa.select(word_df.c.word, word_df.c.df).where(word_df.c.word.in_(vocabulary))).all())
        conn.execute(paper_keywords.delete().where(paper_keywords.c.paper_id.in_([r.id for r in chunk])))
        values = [
            {"paper_id": r.id, "position": n, "keyword": k}
            for r in chunk
            for n, k in enumerate(pick_keyphrases(r.title, r.abstract, df, documents))
        ]
        if values:
            conn.execute(paper_keywords.insert(), values)
        done += len(chunk)
    write_state(conn, WATERMARK, newest.isoformat(sep=" "))
    return done


def keyphrases_of(conn: Connection, paper_ids: list[int]) -> dict[int, list[str]]:
    """Return the keywords of these papers, best first.

    Every list page asks for its 25 to 50 papers: read on the driver's cursor with the ids (integers)
    written in, as an expanding IN cost several times the read (store/db.driver_rows).
    """
    if not paper_ids:
        return {}
    out: dict[int, list[str]] = {}
    ids = ",".join(str(int(i)) for i in paper_ids)
    sql = f"SELECT paper_id, keyword FROM paper_keywords WHERE paper_id IN ({ids}) ORDER BY position"
    for paper_id, keyword in driver_rows(conn, sql, ()):
        out.setdefault(paper_id, []).append(keyword)
    return out
