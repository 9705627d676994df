// SPDX-License-Identifier: MIT
// Tests for process-name validation and Python-style repr().
#include "common/name.hpp"

#include <string>

#include <gtest/gtest.h>

namespace bgo {
namespace {

using namespace std::string_literals;

TEST(IsValidName, AcceptsTheSpecExamples) {
  for (const char* name : {"demo", "web-1", "api_v2", "my.proc", "café", "名前", "my app", "-x",
                           "a..b", ".hidden", "x", "😀"}) {
    EXPECT_TRUE(is_valid_name(name)) << name;
  }
}

TEST(IsValidName, RejectsTheSpecExamples) {
  for (const std::string& name : {""s, "."s, ".."s, "a/b"s, "../escape"s, "a\\b"s, "bad\nname"s,
                                  "bad\tname"s, "bad\0name"s, "/"s, "\\"s}) {
    EXPECT_FALSE(is_valid_name(name)) << python_repr(name);
  }
}

TEST(IsValidName, RejectsControlCharacters) {
  for (const std::string& name :
       {"a\x01"s, "a\x1f"s, "a\x7f"s, "a\r"s, "\xc2\x80x"s /* U+0080 */, "\xc2\x9f"s}) {
    EXPECT_FALSE(is_valid_name(name)) << python_repr(name);
  }
}

TEST(IsValidName, RejectsSpacesOtherThanAsciiSpace) {
  for (const char* name : {"a\u00a0b", "a\u1680b", "a\u2000b", "a\u2005b", "a\u200ab", "a\u202fb",
                           "a\u205fb", "a\u3000b", "a\u2028b", "a\u2029b"}) {
    EXPECT_FALSE(is_valid_name(name)) << python_repr(name);
  }
  EXPECT_TRUE(is_valid_name(" "));
  EXPECT_TRUE(is_valid_name(" a "));
}

TEST(IsValidName, RejectsFormatPrivateUseAndNoncharacters) {
  // NOLINTNEXTLINE(misc-misleading-bidirectional): escaped bidi controls, the names to reject
  for (const char* name : {"a\u00adb", "a\u200bb", "a\u200db", "a\u202eb", "a\u2066b", "\ufeffa",
                           "a\U000e0041", "a\ue000", "a\U000f0000", "a\U0010fffd", "a\ufdd0",
                           "a\ufffe", "a\uffff", "a\U0001fffe", "a\U0010ffff"}) {
    EXPECT_FALSE(is_valid_name(name)) << python_repr(name);
  }
}

TEST(IsValidName, RejectsInvalidUtf8) {
  for (const std::string& name : {
           "\xff"s,
           "caf\xc3"s,           // truncated sequence
           "\xc0\xaf"s,          // overlong '/'
           "\xe0\x80\xaf"s,      // overlong, three bytes
           "\xed\xa0\x80"s,      // UTF-8 encoded surrogate U+D800
           "\xf4\x90\x80\x80"s,  // U+110000
           "\x80"s,              // lone continuation byte
       }) {
    EXPECT_FALSE(is_valid_name(name)) << python_repr(name);
  }
}

TEST(IsValidName, AcceptsAtMost64Bytes) {
  EXPECT_TRUE(is_valid_name(std::string(64, 'a')));
  EXPECT_FALSE(is_valid_name(std::string(65, 'a')));
  // 32 two-byte characters = 64 bytes; one more byte is over.
  std::string accents;
  for (int i = 0; i < 32; ++i) accents += "é";
  EXPECT_TRUE(is_valid_name(accents));
  EXPECT_FALSE(is_valid_name(accents + "a"));
  EXPECT_EQ(k_max_name_bytes, 64U);
}

TEST(IsPrintable, ClassifiesBoundaries) {
  EXPECT_TRUE(is_printable(U' '));
  EXPECT_TRUE(is_printable(U'~'));
  EXPECT_FALSE(is_printable(0x7F));
  EXPECT_FALSE(is_printable(0xA0));
  EXPECT_TRUE(is_printable(0xA1));
  EXPECT_TRUE(is_printable(0x2030));  // PER MILLE SIGN, just past the U+2028..U+202F block
  EXPECT_FALSE(is_printable(0xD800));
  EXPECT_FALSE(is_printable(0xF8FF));
  EXPECT_TRUE(is_printable(0xF900));
  EXPECT_TRUE(is_printable(0xFFFD));
  EXPECT_FALSE(is_printable(0x110000));
}

TEST(PythonRepr, QuotesLikePython) {
  EXPECT_EQ(python_repr("demo"), "'demo'");
  EXPECT_EQ(python_repr(""), "''");
  EXPECT_EQ(python_repr("it's"), "\"it's\"");
  EXPECT_EQ(python_repr("say \"hi\""), "'say \"hi\"'");
  EXPECT_EQ(python_repr("both'\""), "'both\\'\"'");
}

TEST(PythonRepr, EscapesBackslashAndWhitespaceControls) {
  EXPECT_EQ(python_repr("a\\b"), "'a\\\\b'");
  EXPECT_EQ(python_repr("tab\tx"), "'tab\\tx'");
  EXPECT_EQ(python_repr("nl\nx\r"), "'nl\\nx\\r'");
  EXPECT_EQ(python_repr("bad\0name"s), "'bad\\x00name'");
  EXPECT_EQ(python_repr("\x7f"), "'\\x7f'");
  EXPECT_EQ(python_repr("\u0080\u009f"), "'\\x80\\x9f'");
}

TEST(PythonRepr, EscapesNonPrintableUnicodeByWidth) {
  EXPECT_EQ(python_repr("\u00a0é名"), "'\\xa0é名'");
  EXPECT_EQ(python_repr("\u00ad\u200b\u2028\ufeff"), "'\\xad\\u200b\\u2028\\ufeff'");
  EXPECT_EQ(python_repr("\ue000\U000f0000\U0001f600"), "'\\ue000\\U000f0000\U0001f600'");
  EXPECT_EQ(python_repr("\ufdd0\uffff\U0001fffe"), "'\\ufdd0\\uffff\\U0001fffe'");
  EXPECT_EQ(python_repr("my app"), "'my app'");
  EXPECT_EQ(python_repr("café"), "'café'");
}

TEST(PythonRepr, RendersInvalidUtf8BytesAsHex) {
  EXPECT_EQ(python_repr("a\xff"), "'a\\xff'");
  EXPECT_EQ(python_repr("caf\xc3"), "'caf\\xc3'");
  EXPECT_EQ(python_repr("\xe2\x82x"), "'\\xe2\\x82x'");
  EXPECT_EQ(python_repr("\xed\xa0\x80"), "'\\xed\\xa0\\x80'");
}

TEST(ReplaceInvalidUtf8, ReplacesEachMaximalSubpart) {
  EXPECT_EQ(replace_invalid_utf8("café 名"), "café 名");
  EXPECT_EQ(replace_invalid_utf8("a\xff"), "a\uFFFD");
  // Python: b"\xe2\x82x".decode("utf-8", "replace") == "\ufffdx"
  EXPECT_EQ(replace_invalid_utf8("\xe2\x82x"), "\uFFFDx");
  // Python: b"\xed\xa0\x80".decode("utf-8", "replace") == "\ufffd\ufffd\ufffd"
  EXPECT_EQ(replace_invalid_utf8("\xed\xa0\x80"), "\uFFFD\uFFFD\uFFFD");
  EXPECT_EQ(replace_invalid_utf8("\x80\x80"), "\uFFFD\uFFFD");
  EXPECT_EQ(replace_invalid_utf8(""), "");
}

}  // namespace
}  // namespace bgo
