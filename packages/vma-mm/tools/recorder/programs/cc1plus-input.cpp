// cc1plus-input.cpp - the C++ file rec-real-cc1plus-legacy compiled (cc1plus -quiet -O0). MIT licence, part of @maple-tree/vma-mm.
#include <iostream>
#include <map>
#include <string>
#include <vector>
#include <algorithm>
#include <regex>
template <int N> struct F { static constexpr long v = N * F<N - 1>::v % 1000003; };
template <> struct F<0> { static constexpr long v = 1; };
int main() {
  std::map<std::string, std::vector<int>> m;
  for (int i = 0; i < 100; i++) m[std::to_string(i)].push_back(i);
  std::regex r("[a-z]+[0-9]*");
  std::cout << F<400>::v << m.size() << std::regex_match("abc12", r) << "\n";
}
