// SPDX-License-Identifier: MIT
// The resume plan of a follower (plan_resume) and the wire form of a file identity.
#include "common/log_position.hpp"

#include <gtest/gtest.h>

namespace bgo {
namespace {

const LogFileId k_old{11, 100};
const LogFileId k_mid{12, 200};
const LogFileId k_cur{13, 300};

TEST(LogFileToken, RoundTripsAndRefusesWhatBgodNeverSent) {
  EXPECT_EQ(to_token(LogFileId{0x1f, 0xabc}), "1f-abc");
  EXPECT_EQ(parse_token("1f-abc"), (LogFileId{0x1f, 0xabc}));
  EXPECT_EQ(to_token(LogFileId{}), "");
  EXPECT_EQ(parse_token(""), LogFileId{});
  for (const char* bad : {"1f", "-1", "1-", "x-1", "1-1-1", "0-5", "1 -2", "10000000000000000-0"}) {
    EXPECT_FALSE(parse_token(bad)) << bad;
  }
}

TEST(PlanResume, SameFileSendsExactlyTheMissingBytes) {
  const ResumePlan p = plan_resume({k_cur, 40}, {{k_cur, 100}}, 1 << 20);
  ASSERT_EQ(p.ranges.size(), 1U);
  EXPECT_EQ(p.ranges[0].file, 0U);
  EXPECT_EQ(p.ranges[0].begin, 40U);
  EXPECT_EQ(p.ranges[0].end, 100U);
  EXPECT_EQ(p.skipped, 0U);
  EXPECT_EQ(p.reset, ResumeReset::none);
}

TEST(PlanResume, AtTheEndSendsNothing) {
  const ResumePlan p = plan_resume({k_cur, 100}, {{k_cur, 100}}, 1 << 20);
  EXPECT_TRUE(p.ranges.empty());
  EXPECT_EQ(p.reset, ResumeReset::none);
}

TEST(PlanResume, ARotationInBetweenIsFollowedThroughTheCopies) {
  const ResumePlan p = plan_resume({k_old, 90}, {{k_old, 100}, {k_mid, 50}, {k_cur, 7}}, 1 << 20);
  ASSERT_EQ(p.ranges.size(), 3U);
  EXPECT_EQ(p.ranges[0].file, 0U);
  EXPECT_EQ(p.ranges[0].begin, 90U);
  EXPECT_EQ(p.ranges[1].file, 1U);
  EXPECT_EQ(p.ranges[1].begin, 0U);
  EXPECT_EQ(p.ranges[1].end, 50U);
  EXPECT_EQ(p.ranges[2].file, 2U);
  EXPECT_EQ(p.ranges[2].end, 7U);
  EXPECT_EQ(p.reset, ResumeReset::none);
}

TEST(PlanResume, AFileGoneStartsTheCurrentOneFromItsBeginning) {
  const ResumePlan p = plan_resume({k_old, 90}, {{k_mid, 50}, {k_cur, 7}}, 1 << 20);
  ASSERT_EQ(p.ranges.size(), 1U);
  EXPECT_EQ(p.ranges[0].file, 1U);
  EXPECT_EQ(p.ranges[0].begin, 0U);
  EXPECT_EQ(p.ranges[0].end, 7U);
  EXPECT_EQ(p.reset, ResumeReset::rotated);
}

TEST(PlanResume, AnOffsetPastTheEndIsATruncation) {
  const ResumePlan p = plan_resume({k_cur, 500}, {{k_cur, 30}}, 1 << 20);
  ASSERT_EQ(p.ranges.size(), 1U);
  EXPECT_EQ(p.ranges[0].begin, 0U);
  EXPECT_EQ(p.ranges[0].end, 30U);
  EXPECT_EQ(p.reset, ResumeReset::truncated);
}

TEST(PlanResume, NoFileYetReadsTheCurrentFileWithoutAReset) {
  const ResumePlan p = plan_resume({LogFileId{}, 0}, {{k_cur, 12}}, 1 << 20);
  ASSERT_EQ(p.ranges.size(), 1U);
  EXPECT_EQ(p.ranges[0].end, 12U);
  EXPECT_EQ(p.reset, ResumeReset::none);
}

TEST(PlanResume, OverTheBoundTheOldestBytesAreLeftOut) {
  const ResumePlan p = plan_resume({k_old, 0}, {{k_old, 100}, {k_cur, 30}}, 50);
  EXPECT_EQ(p.skipped, 80U);
  ASSERT_EQ(p.ranges.size(), 2U);
  EXPECT_EQ(p.ranges[0].file, 0U);
  EXPECT_EQ(p.ranges[0].begin, 80U);
  EXPECT_EQ(p.ranges[0].end, 100U);
  EXPECT_EQ(p.ranges[1].begin, 0U);
  EXPECT_EQ(p.ranges[1].end, 30U);
  const ResumePlan q = plan_resume({k_old, 0}, {{k_old, 100}, {k_cur, 30}}, 10);
  EXPECT_EQ(q.skipped, 120U);
  ASSERT_EQ(q.ranges.size(), 1U);
  EXPECT_EQ(q.ranges[0].file, 1U);
  EXPECT_EQ(q.ranges[0].begin, 20U);
}

TEST(PlanResume, NoFilesNoPlan) {
  const ResumePlan p = plan_resume({k_cur, 5}, {}, 100);
  EXPECT_TRUE(p.ranges.empty());
}

}  // namespace
}  // namespace bgo
