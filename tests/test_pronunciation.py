"""Pronunciation, checked without anyone listening: what each engine is given for every term of the
tables (hibari's phonemes, espeak-ng's, Piper's IPA, the Mandarin pinyin), the whole Mandarin
script's pinyin against a reviewed list, He the surname never the pronoun, hibari speaking with the
network unavailable and timing its words, and the proofreading command.

The terms below are the reviewed list: removing an entry from a table fails these tests, as does a
new sentence whose pinyin nobody has read (tests/review_pinyin.py rewrites the list for review).
"""
from __future__ import annotations

import json
import re
import socket
import subprocess
import urllib.request

import numpy as np
import pytest
from conftest import RENDER, ROOT
from review_pinyin import LANGUAGES, reviewed_file, script_pinyin

from scenes.lib import pronunciation, synthesis
from scenes.lib.narration import scripts
from scenes.lib.settings import CACHE_DIR_ENV
from scenes.lib.voice import parse_voice

# Each English term, a sentence it stands in, hibari's phonemes and espeak-ng's (as `espeak-ng -x` prints them).
ENGLISH = {
    "ReLU": ("Why does ReLU fix vanishing gradients?", "ɹˈAlu", "r'eIlu:"),
    "PReLU": ("PReLU learns the slope itself.", "pˌiɹˈAlu", "p,i:r'eIlu:"),
    "tanh": ("And tanh saturates just the same.", "tˈænʧ", "t'antS"),
    "He": ("The factor two in He initialisation makes up for it.", "hˈʌ", "h'V"),
    "Xu": ("Xu and colleagues found the same.", "ʃˈu", "S'u:"),
    "Ng": ("Maas, Hannun and Ng, twenty thirteen.", "ˈɪŋ", "'IN"),
    "Bengio": ("Glorot and Bengio, twenty ten.", "bˈɛnʒiˌO", "b'EnZi:,oU"),
    "Glorot": ("Glorot and Bengio, twenty ten.", "ɡlɔɹˈO", "glO:r'oU"),
    "Xavier": ("With Xavier initialisation.", "zˈAviəɹ", "z'eIvi:3"),
    "Maas": ("Maas, Hannun and Ng.", "mˈɑs", "m'A:s"),
    "Nielsen": ("Nielsen's book, chapter five.", "nˈilsənz", "n'i:ls@nz"),
    "Karniadakis": ("Lu, Shin, Su and Karniadakis.", "kˌɑɹniədˈɑkɪs", "k,A@ni:@d'A:kIs"),
    "sigma": ("Sigma times one minus sigma.", "sˈɪɡmə", "s'Igm@"),
    "sigmoid": ("The sigmoid squashes any input.", "sˈɪɡmYd", "s'IgmOId"),
    "alpha": ("Alpha starts at one quarter.", "ˈælfə", "'alf@"),
}
# Each Mandarin phrase, a sentence it stands in, and its pinyin in zh-TW (MoE) and zh-CN (现代汉语词典).
MANDARIN = {
    "幾乎": ("幾乎沒有梯度能通過。", "ji1 hu1", "ji1 hu1"),
    "為零": ("梯度從不為零。", "wei2 ling2", "wei2 ling2"),
    "為正": ("輸入為正時。", "wei2 zheng4", "wei2 zheng4"),
    "為負": ("輸入為負的神經元。", "wei2 fu4", "wei2 fu4"),
    "為中心": ("以零為中心。", "wei2 zhong1 xin1", "wei2 zhong1 xin1"),
    "測量": ("在初始化時測量。", "ce4 liang2", "ce4 liang2"),
    "重新": ("每筆輸入都重新激活。", "chong2 xin1", "chong2 xin1"),
    "重播": ("重播第四章。", "chong2 bo4", "chong2 bo1"),
    "得到": ("得到的梯度最少。", "de2 dao4", "de2 dao4"),
    "地方": ("推到很負的地方。", "di4 fang1", "di4 fang5"),
    "卡在": ("網路卡在這裡。", "qia3 zai4", "qia3 zai4"),
    "偏差": ("再加上偏差。", "pian1 cha1", "pian1 zhi4"),  # zh-CN says bias 偏置 (its overrides), read as such
    "更新": ("一次過大的更新。", "geng1 xin1", "geng1 xin1"),
    "更深": ("在更深的層。", "geng4 shen1", "geng4 shen1"),
    "因子": ("局部因子。", "yin1 zi3", "yin1 zi3"),
    "種子": ("隨機種子。", "zhong3 zi3", "zhong3 zi5"),
    "東西": ("學不到東西。", "dong1 xi5", "dong1 xi5"),
    "相差": ("彼此相差不到十倍。", "xiang1 cha1", "xiang1 cha4"),
    "縮得": ("縮得特別多。", "suo1 de5", "suo1 de5"),
    "出處": ("出處：", "chu1 chu4", "chu1 chu4"),
    "切線": ("切線的斜率。", "qie1 xian4", "qie1 xian4"),
    "傳播": ("反向傳播。", "chuan2 bo4", "chuan2 bo1"),
    "任少卿": ("任少卿與孫劍。", "ren2 shao4 qing1", "ren2 shao4 qing1"),
    "縮小為": ("它縮小為十分之一。", "suo1 xiao3 wei2", "suo1 xiao3 wei2"),
    "斜率為": ("零點斜率為一。", "xie2 lv4 wei2", "xie2 lv4 wei2"),
    "輸入為": ("輸入為零時。", "shu1 ru4 wei2", "shu1 ru4 wei2"),
    "調低": ("梯度要調低偏差。", "tiao2 di1", "tiao2 di1"),
    "殘差": ("殘差連接。", "can2 cha1", "can2 cha1"),
}


def hibari_phonemes(text: str) -> str:
    return " ".join(synthesis.load_hibari().phonemize(pronunciation.english_for("hibari", text)))


def espeak_phonemes(text: str) -> str:
    said = subprocess.run(["espeak-ng", "-q", "-x", "-v", "en-us", pronunciation.english_for("espeak", text)],
                          capture_output=True, text=True, check=True).stdout
    return " ".join(said.split())


# -- English ---------------------------------------------------------------------------------------


def test_the_english_table_holds_every_reviewed_term():
    assert {term.written for term in pronunciation.english_terms()} >= set(ENGLISH)


@pytest.mark.parametrize("term", sorted(ENGLISH))
def test_hibari_receives_each_terms_phonemes(term):
    sentence, phonemes, _ = ENGLISH[term]
    assert f"[{term}" in pronunciation.english_for("hibari", sentence) or \
        f"[{term.capitalize()}" in pronunciation.english_for("hibari", sentence)
    assert re.search(rf"(^| ){re.escape(phonemes)}", hibari_phonemes(sentence)), hibari_phonemes(sentence)


@pytest.mark.parametrize("term", sorted(ENGLISH))
def test_espeak_and_piper_receive_each_terms_phonemes(term):
    sentence, _, mnemonics = ENGLISH[term]
    spoken = espeak_phonemes(sentence).replace(";", "")  # espeak-ng marks some syllable joins with ;
    assert mnemonics in spoken, spoken
    assert "[[" in pronunciation.english_for("piper", sentence)
    ipa = pronunciation.espeak_ipa(mnemonics)
    assert f"[[{ipa}" in pronunciation.english_for("piper", sentence), "Piper gets espeak-ng's IPA of the same"


def test_he_is_the_surname_only_before_initialisation_et_al_or_his_coauthors():
    for sentence in ("He initialisation", "He initialization keeps it", "He et al. found", "He, Zhang, Ren and Sun",
                     "He and colleagues, twenty fifteen"):
        assert "[He](/hˈʌ/)" in pronunciation.english_for("hibari", sentence), sentence
    for sentence in ("He said so.", "Then he initialised it.", "He was right, he said.", "Hence the name."):
        assert pronunciation.english_for("hibari", sentence) == sentence, sentence
    assert pronunciation.english_for("hibari", "the sigmoid's slope") == "the [sigmoid's](/sˈɪɡmYdz/) slope"
    assert pronunciation.english_for("espeak", "PReLU and ReLU") == "[[p,i:r'eIlu:]] and [[r'eIlu:]]"


def test_every_english_script_term_is_said_from_the_table():
    """The terms the issue names, wherever the English script says them, reach hibari as phonemes."""
    for key, text in scripts("en").items():
        spoken = pronunciation.english_for("hibari", text)
        bare = re.sub(r"\[[^\]]*\]\(/[^)]*/\)", "", spoken)
        for term in ("ReLU", "PReLU", "tanh", "Xu", "Ng", "Bengio", "Glorot", "Xavier", "Maas", "Nielsen",
                     "Karniadakis", "sigmoid", "Alpha", "alpha"):
            assert not re.search(rf"(?<![\w-]){term}(?![\w-])", bare), f"{key}: {term} said by the default reader"


# -- Mandarin --------------------------------------------------------------------------------------


def test_the_mandarin_table_holds_every_reviewed_phrase():
    table = json.loads(pronunciation.table_file("zh-TW").read_text(encoding="utf-8"))["phrases"]
    assert set(table) >= set(MANDARIN)


@pytest.mark.parametrize("phrase", sorted(MANDARIN))
@pytest.mark.parametrize("lang", ["zh-TW", "zh-CN"])
def test_espeak_receives_each_phrases_pinyin(phrase, lang):
    from scenes.lib.simplified import to_simplified

    sentence, taiwan, mainland = MANDARIN[phrase]
    text = sentence if lang == "zh-TW" else to_simplified(sentence)
    said = pronunciation.mandarin_pinyin(text, lang)
    expected = taiwan if lang == "zh-TW" else mainland
    assert re.search(rf"(^| ){expected}\b", said), f"{lang} {sentence}: {said}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_whole_mandarin_script_reads_as_reviewed(lang):
    """Every beat's pinyin as reviewed in tests/reviewed/; after a wording change, read the new pinyin
    (python tests/review_pinyin.py; git diff), fix misreadings in assets/pronunciation/zh.json."""
    reviewed = json.loads(reviewed_file(lang).read_text(encoding="utf-8"))
    now = script_pinyin(lang)
    assert set(now) == set(reviewed), "beats added or removed: run tests/review_pinyin.py and review the diff"
    changed = {key: (reviewed[key], now[key]) for key in now if now[key] != reviewed[key]}
    assert not changed, f"pinyin nobody has reviewed (run tests/review_pinyin.py, read the diff): {changed}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_latin_word_in_a_mandarin_script_has_a_spoken_form(lang):
    latin = pronunciation.latin_terms()
    for key, text in scripts(lang).items():
        words = pronunciation.latin_words(re.sub(r"\{\w+\}", "", text))
        assert all(word in latin for word in words), f"{key}: {words} have no spoken form in zh.json"
    assert pronunciation.mandarin_pinyin("帶洩漏的 ReLU", "zh-TW").endswith("rui4 lu2")


def test_pinyin_keeps_taiwans_words_and_the_pauses():
    said = pronunciation.mandarin_pinyin("網路的資料，設定：好。", "zh-TW")
    assert said == "wang3 lu4 de5 zi1 liao4, she4 ding4: hao3."


# -- hibari ----------------------------------------------------------------------------------------


def test_hibari_is_the_default_english_voice_and_espeak_speaks_mandarin():
    from pipeline.options import parse_render_options

    voice = parse_render_options([]).voice
    assert voice == parse_voice("hibari") and voice.engine("en") == "hibari"
    assert voice.engine("zh-TW") == voice.engine("zh-CN") == "espeak" and voice.notes("zh-TW")
    described = voice.describe("en")
    assert "hibari" in described["engine"] and "Kokoro-82M" in described["engine"]
    assert "Apache-2.0" in described["licence"] and "Kokoro-82M" in described["licence"]
    assert not described["unclear_terms"]


def test_hibari_speaks_with_the_network_unavailable(tmp_path, monkeypatch):
    def refuse(*args, **kwargs):
        raise OSError("network unavailable in this test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(urllib.request, "urlopen", refuse)
    monkeypatch.setenv("HIBARI_HOME", str(tmp_path / "no-voices"))  # nothing downloaded before either
    monkeypatch.setenv(CACHE_DIR_ENV, str(tmp_path / "cache"))
    synthesis.load_hibari.cache_clear()
    try:
        text = "Why does ReLU fix vanishing gradients? He initialisation helps."
        clip = synthesis.clip_for(parse_voice("hibari"), "en", text, 0, "show_title")
    finally:
        synthesis.load_hibari.cache_clear()
    assert clip.duration > 2 and not (tmp_path / "no-voices").exists()


def test_hibari_clip_is_deterministic_and_timed_sentence_by_sentence(tmp_path, monkeypatch):
    monkeypatch.setenv(CACHE_DIR_ENV, str(tmp_path / "cache"))
    # A text of its own, not a script's: the scripts change as the lecture is edited.
    text = ("The activation no longer shrinks the gradient. About half the units are off for a typical "
            "input. But a neuron with negative input passes nothing back. That zero is the seed of the next chapter.")
    voice = parse_voice("hibari")
    clip = synthesis.clip_for(voice, "en", text, 3, "caveat")
    first = clip.path.read_bytes()
    for path in (tmp_path / "cache").rglob("*"):
        if path.is_file():
            path.unlink()
    assert synthesis.clip_for(voice, "en", text, 3, "caveat").path.read_bytes() == first, "seed 0"
    assert len(clip.marks) >= len(text.split()), "a mark at every word"
    samples, rate = synthesis.read_wav(clip.path)
    gap = synthesis.HIBARI_SETTINGS["sentence_gap"]
    for sentence in ("About half", "But a neuron", "That zero"):
        start = clip.time_at(text.index(sentence) / len(text))
        before = samples[int((start - gap + 0.05) * rate): int((start - 0.02) * rate)]
        after = samples[int(start * rate): int((start + 0.1) * rate)]
        assert synthesis.rms_dbfs(before) < synthesis.SILENCE_DBFS, f"{sentence}: speech before its start"
        assert synthesis.rms_dbfs(after) > synthesis.SILENCE_DBFS, f"{sentence}: no speech at its start"
    # Words inside a sentence follow their phonemes: the long word takes longer than the short one.
    at = [clip.time_at(text.index(word) / len(text)) for word in ("activation", "no longer", "shrinks")]
    assert at[1] - at[0] > at[2] - at[1] > 0


def test_hibari_word_marks_spread_each_sentence_by_phonemes():
    text = "One two. Three initialisation four."
    marks = synthesis.hibari_word_marks(text, [(0, 0.0, 1.0, "wˈʌn tˈu."), (9, 1.5, 4.0, "θɹˈi ɪnˌɪʃələzˈAʃən fˈɔɹ.")])
    times = dict(marks)
    assert times[0.0] == 0.0 and marks[-1] == (1.0, 4.0)
    assert times[text.index("Three") / len(text)] == 1.5, "a sentence starts exactly where its speech does"
    initialisation, four = (times[text.index(word) / len(text)] for word in ("initialisation", "four"))
    assert four - initialisation > 2 * (initialisation - 1.5), "the long word takes its phonemes' share"


def test_hibari_clauses_start_when_its_pause_at_their_comma_ends():
    text = "One two, three four: five."
    pauses = [(0.5, 0.6), (0.9, 1.3), (2.0, 2.5)]  # the two longest are the comma's and the colon's
    marks = dict(synthesis.hibari_word_marks(text, [(0, 0.0, 3.0, "wˈʌn tˈu, θɹˈi fˈɔɹ: fˈIv.", pauses)]))
    assert marks[text.index("three") / len(text)] == 1.3
    assert marks[text.index("five") / len(text)] == 2.5
    assert marks[(text.index("two,") + len("two,")) / len(text)] == 0.9, "a clause ends as its pause begins"


def test_the_cues_of_a_hibari_clip_start_when_their_clause_is_said(tmp_path, monkeypatch):
    """Measured on the audio: each clause after a comma or colon starts as the sound comes back."""
    monkeypatch.setenv(CACHE_DIR_ENV, str(tmp_path / "cache"))
    text = ("Two networks, 10 layers deep, trained the same way: the ReLU network's loss falls, "
            "while the sigmoid network's stays at the level of predicting the mean. Why?")
    clip = synthesis.clip_for(parse_voice("hibari"), "en", text, 0, "cold_open")
    samples, rate = synthesis.read_wav(clip.path)
    resumes = [end for _, end in synthesis.pauses_in(samples, rate)]
    for clause in ("trained the same", "the ReLU network", "while the sigmoid", "Why?"):
        start = clip.time_at(text.index(clause) / len(text))
        assert min(abs(start - t) for t in resumes) <= 0.021, f"{clause!r} at {start:.2f} s; sound resumes {resumes}"


@pytest.mark.parametrize("lang", ["en"])
def test_hibari_clips_of_every_beat(lang, tmp_path, monkeypatch):
    from test_narration import check_clip, filled

    monkeypatch.setenv(CACHE_DIR_ENV, str(tmp_path / "cache"))
    voice = parse_voice("hibari")
    for key in scripts(lang):
        text = filled(key, lang, "1/4")
        clip = synthesis.clip_for(voice, lang, text, int(key.split(".")[0][2:]), key.split(".")[1])
        check_clip(clip, text, lang)
        assert np.all(np.diff([t for _, t in clip.marks]) >= 0)


# -- Fingerprints and proofreading -----------------------------------------------------------------


@pytest.mark.parametrize(("table", "lang", "other"), [("en.json", "en", "zh-TW"), ("zh.json", "zh-TW", "en")])
def test_editing_a_pronunciation_re_renders_that_languages_narrated_chapters(tmp_path, table, lang, other):
    import shutil

    from pipeline.fingerprint import chapter_fingerprint
    from pipeline.options import parse_render_options
    from pipeline.registry import CHAPTERS

    for name in ("scenes", "assets"):
        shutil.copytree(ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("manim.cfg", "requirements.txt"):
        shutil.copy(ROOT / name, tmp_path / name)
    narrated = parse_render_options(["--quality", "preview", "--lang", lang])
    elsewhere = parse_render_options(["--quality", "preview", "--lang", other])
    silent = parse_render_options(["--quality", "preview", "--lang", lang, "--voice", "none"])
    chapter = CHAPTERS[1]
    before = [chapter_fingerprint(chapter, options, tmp_path) for options in (narrated, elsewhere, silent)]
    path = tmp_path / "assets" / "pronunciation" / table
    data = json.loads(path.read_text(encoding="utf-8"))
    section = "terms" if table == "en.json" else "phrases"
    data[section].pop(next(iter(data[section])))
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    after = [chapter_fingerprint(chapter, options, tmp_path) for options in (narrated, elsewhere, silent)]
    assert after[0] != before[0], "an edited pronunciation re-renders the narrated chapter"
    assert after[1:] == before[1:], "other languages and silent renders keep theirs"


def test_proofread_prints_the_english_phonemes_and_the_chinese_pinyin():
    english = subprocess.run([RENDER, "proofread", "--scenes", "title"], cwd=ROOT, capture_output=True,
                             text=True, timeout=600)
    assert english.returncode == 0, english.stderr[-2000:]
    assert "00-title / show_title" in english.stdout and "ɹˈAlu" in english.stdout
    chinese = subprocess.run([RENDER, "proofread", "--scenes", "title", "--lang", "zh-TW"], cwd=ROOT,
                             capture_output=True, text=True, timeout=600)
    assert chinese.returncode == 0, chinese.stderr[-2000:]
    assert "wei4 shen2 me5 xian4 xing4 zheng3 liu2 han2 shu4" in chinese.stdout
    refused = subprocess.run([RENDER, "proofread", "--voice", "none"], cwd=ROOT, capture_output=True, text=True)
    assert refused.returncode == 2 and len(refused.stderr.strip().splitlines()) == 1
