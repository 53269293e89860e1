// The identity service's rules for account fields, checked before sending so the shopper hears about a slip at once.
// They mirror src/Identity (PasswordPolicy, EmailAddress, the request records) and word their messages the same way;
// the server stays the authority: what it alone can judge (a common password, a taken address) comes back as field
// errors. Lengths count UTF-16 code units on both sides (JavaScript's and .NET's string length agree).

/** PasswordPolicy.MinLength / MaxLength */
const passwordMinLength = 10;
const passwordMaxLength = 128;
/** the request records' MaxLength on DisplayName */
export const displayNameMaxLength = 100;
/** EmailAddress.MaxLength */
const emailMaxLength = 254;

export const passwordHint = `At least ${passwordMinLength} characters. Avoid common passwords and your e-mail address.`;

// EmailAddress.Shape: local@domain.tld, no spaces, one @, a dot in the domain, no leading/trailing dashes in labels.
const emailShape = /^[^\s@"(),:;<>[\]\\]{1,64}@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$/;

/** Each check answers why the value is refused, or undefined when it is acceptable. */
export function checkEmail(email: string): string | undefined {
  const value = email.trim();
  if (!value) return 'Enter your e-mail address.';
  if (value.length > emailMaxLength || !emailShape.test(value)) return 'Enter a valid e-mail address, like name@example.com.';
  return undefined;
}

export function checkDisplayName(name: string): string | undefined {
  if (!name.trim()) return 'Enter your name.';
  if (name.trim().length > displayNameMaxLength) return `Your name must be at most ${displayNameMaxLength} characters long.`;
  return undefined;
}

/** PasswordPolicy.Check without the common-password list, which only the server has. */
export function checkNewPassword(password: string, email?: string): string | undefined {
  if (!password) return 'Enter a password.';
  if (password.length < passwordMinLength) return `The password must be at least ${passwordMinLength} characters long.`;
  if (password.length > passwordMaxLength) return `The password must be at most ${passwordMaxLength} characters long.`;
  if (email && password.trim().toLowerCase() === email.trim().toLowerCase()) return 'The password must not be your e-mail address.';
  return undefined;
}

export function checkConfirmation(password: string, confirmation: string): string | undefined {
  if (!confirmation) return 'Enter the password again.';
  if (confirmation !== password) return 'The passwords do not match.';
  return undefined;
}

/** identity compares addresses trimmed and lower-cased (EmailAddress.Normalize) */
export function sameEmail(a: string, b: string): boolean {
  return a.trim().toLowerCase() === b.trim().toLowerCase();
}
