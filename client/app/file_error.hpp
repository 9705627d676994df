// SPDX-License-Identifier: MIT
// A mistake in an application file, located: `file:line:column: message` (docs/bgo-file.md).
#pragma once

#include <memory>
#include <stdexcept>
#include <string>
#include <utility>

#include "client/app/app_spec.hpp"

namespace bgo::app {

struct FileError {
  SourceLocation where;  // line and column 0 when unknown (then they are not printed)
  std::string message;

  // "bgo.yaml:7:12: message", "bgo.yaml: message" without a line, "message" without a file.
  std::string to_string() const {
    std::string out = where.file;
    if (!out.empty() && where.line > 0) {
      out += ":" + std::to_string(where.line) + ":" + std::to_string(where.column);
    }
    return out.empty() ? message : out + ": " + message;
  }
};

// How the readers of client/app report a FileError from deep inside a parse: thrown, and caught
// once at their public boundary (load_bgo_file), which returns it as a value. Copying never
// throws (the file name is shared), as an exception object's copy must not.
class FileErrorException : public std::runtime_error {
 public:
  explicit FileErrorException(FileError error)
      : std::runtime_error(error.message),
        file_(std::make_shared<const std::string>(std::move(error.where.file))),
        line_(error.where.line),
        column_(error.where.column) {}

  FileError error() const { return FileError{{*file_, line_, column_}, what()}; }

 private:
  std::shared_ptr<const std::string> file_;
  int line_ = 0;
  int column_ = 0;
};

[[noreturn]] inline void fail_at(const SourceLocation& where, const std::string& message) {
  throw FileErrorException(FileError{where, message});
}

}  // namespace bgo::app
