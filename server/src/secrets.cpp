#include <openssl/evp.h>
#include <openssl/rand.h>

#include <unitclock/server/secrets.h>
#include <array>
#include <cctype>
#include <cstdint>
#include <memory>
#include <stdexcept>

namespace unitclock::server {
namespace {

struct MdCtxDeleter {
  void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};

void randomBytes(unsigned char* out, std::size_t n) {
  if (RAND_bytes(out, static_cast<int>(n)) != 1) throw std::runtime_error("the system random source failed");
}

constexpr std::string_view kCodeAlphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";  // 31 symbols

}  // namespace

std::string sha256Hex(std::string_view bytes) {
  std::unique_ptr<EVP_MD_CTX, MdCtxDeleter> ctx(EVP_MD_CTX_new());
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int len = 0;
  if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1 ||
      EVP_DigestUpdate(ctx.get(), bytes.data(), bytes.size()) != 1 ||
      EVP_DigestFinal_ex(ctx.get(), digest.data(), &len) != 1) {
    throw std::runtime_error("SHA-256 failed");
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(len * 2);
  for (unsigned int i = 0; i < len; ++i) {
    out.push_back(kHex[digest[i] >> 4]);
    out.push_back(kHex[digest[i] & 0xF]);
  }
  return out;
}

std::string newToken() {
  static constexpr char kB64Url[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::array<unsigned char, 32> raw{};
  randomBytes(raw.data(), raw.size());
  std::string out = "uct_";
  std::uint32_t acc = 0;
  int bits = 0;
  for (unsigned char b : raw) {
    acc = (acc << 8) | b;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out.push_back(kB64Url[(acc >> bits) & 0x3F]);
    }
  }
  if (bits > 0) out.push_back(kB64Url[(acc << (6 - bits)) & 0x3F]);
  return out;
}

std::string newEnrollmentCode() {
  std::string out;
  for (int i = 0; i < 12;) {
    unsigned char b = 0;
    randomBytes(&b, 1);
    if (b >= 248) continue;  // 248 = 8 * 31: reject to keep the symbols uniform
    if (i > 0 && i % 4 == 0) out.push_back('-');
    out.push_back(kCodeAlphabet[b % kCodeAlphabet.size()]);
    ++i;
  }
  return out;
}

std::string normalizeEnrollmentCode(std::string_view code) {
  std::string out;
  for (char c : code) {
    if (c == '-' || c == ' ') continue;
    out.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  }
  return out;
}

}  // namespace unitclock::server
