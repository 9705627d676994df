// SPDX-License-Identifier: MIT
// Sparse<T>: an empty value costs no allocation and reads as T{}; a set one copies deeply.
#include "common/sparse.hpp"

#include <gtest/gtest.h>

#include "common/process_policy.hpp"
#include "common/process_record.hpp"

namespace bgo {
namespace {

TEST(Sparse, AnEmptyValueReadsAsTheDefaultWithoutAnAllocation) {
  const Sparse<ProcessPolicy> policy;
  EXPECT_FALSE(policy.allocated());
  EXPECT_TRUE(policy.empty());
  EXPECT_FALSE(policy->ready);
  EXPECT_TRUE(policy->after.empty());
}

TEST(Sparse, AssigningAnEmptyValueFreesIt) {
  Sparse<ProcessPolicy> policy;
  policy.edit().stop_signal = 2;
  ASSERT_TRUE(policy.allocated());
  EXPECT_FALSE(policy.empty());
  policy = ProcessPolicy{};
  EXPECT_FALSE(policy.allocated());
  EXPECT_FALSE(policy->stop_signal);
}

TEST(Sparse, AssigningASetValueKeepsItsAddressWhenOneIsHeld) {
  // HealthMonitor keeps a reference to its child's policy: replacing a set policy by another
  // set one must not move it.
  Sparse<ProcessPolicy> policy;
  policy.edit().stop_signal = 2;
  const ProcessPolicy* before = &*policy;
  ProcessPolicy other;
  other.cron = "0 * * * *";
  policy = other;
  EXPECT_EQ(&*policy, before);
  EXPECT_EQ(policy->cron, "0 * * * *");
  EXPECT_FALSE(policy->stop_signal);
}

TEST(Sparse, ACopyIsDeepAndIndependent) {
  ProcessRecord a;
  a.policy.edit().after = {Dependency{.name = "db"}};
  ProcessRecord b = a;
  b.policy.edit().after.push_back(Dependency{.name = "cache"});
  EXPECT_EQ(a.policy->after.size(), 1U);
  EXPECT_EQ(b.policy->after.size(), 2U);
  const ProcessPolicy* held = &*a.policy;
  a = b;
  EXPECT_EQ(a.policy->after.size(), 2U);
  EXPECT_NE(&*a.policy, &*b.policy);
  EXPECT_EQ(&*a.policy, held) << "a copy over a set value is made in place";
  const ProcessRecord empty;
  a = empty;
  EXPECT_FALSE(a.policy.allocated());
}

TEST(Sparse, AMoveTakesTheValueAlong) {
  Sparse<ProcessPolicy> a;
  a.edit().max_memory = 1024;
  const ProcessPolicy* held = &*a;
  Sparse<ProcessPolicy> b = std::move(a);
  EXPECT_EQ(&*b, held);
  EXPECT_EQ(b->max_memory, 1024U);
}

TEST(Sparse, ItCostsItsHolderOnePointer) {
  EXPECT_EQ(sizeof(Sparse<ProcessPolicy>), sizeof(void*));
}

}  // namespace
}  // namespace bgo
