#include <gtest/gtest.h>

#include "strata/status.h"

namespace strata {

TEST(StatusTest, OkAndErrors) {
  EXPECT_TRUE(Status::OK().ok());
  Status s = Status::IOError("disk gone", /*retryable=*/true);
  EXPECT_FALSE(s.ok());
  EXPECT_TRUE(s.retryable());
  EXPECT_EQ(s.message(), "disk gone");
  EXPECT_EQ(s.ToString(), "IOError (retryable): disk gone");
  StatusOr<int> v(42);
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(*v, 42);
  StatusOr<int> e(Status::NotFound("x"));
  EXPECT_TRUE(e.status().IsNotFound());
}

}  // namespace strata
