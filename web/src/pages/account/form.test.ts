import { ApiError, fieldError } from '../../api/problem';
import { failureFrom } from './form';

const fields = ['email', 'newPassword'] as const;

describe('failureFrom', () => {
  it('places field messages beside their inputs, whatever the case of the names', () => {
    const error = new ApiError(400, { errors: { Email: ['Taken.'], newpassword: ['Too common.', 'Too short.'] } });

    expect(failureFrom(error, fields)).toEqual({ fields: { email: 'Taken.', newPassword: 'Too common. Too short.' }, form: null });
  });

  it('puts messages for fields the form has no input for above it', () => {
    const error = new ApiError(400, { errors: { email: ['Taken.'], token: ['The link has expired.'] } });

    const failure = failureFrom(error, fields);

    expect(failure.fields).toEqual({ email: 'Taken.' });
    expect(failure.form).toBeInstanceOf(ApiError);
    expect((failure.form as ApiError).message).toBe('The link has expired.');
    expect(fieldError(failure.form, 'token')).toBe('The link has expired.');
  });

  it('keeps anything else whole for the top of the form', () => {
    const unauthorized = new ApiError(401, { detail: 'The e-mail address or password is incorrect.' });
    const offline = new TypeError('Failed to fetch');

    expect(failureFrom(unauthorized, fields)).toEqual({ fields: {}, form: unauthorized });
    expect(failureFrom(offline, fields)).toEqual({ fields: {}, form: offline });
  });
});
