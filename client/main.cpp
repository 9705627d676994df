// SPDX-License-Identifier: MIT
// bgo entry point.
#include "client/cli.hpp"

int main(int argc, char** argv) { return bgo::client::run_cli(argc, argv); }
