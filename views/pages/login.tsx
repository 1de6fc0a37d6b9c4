import { CsrfField, Field, FormError } from "../components/form";

export function LoginPage({ csrf, email, message, next }: { csrf: string; email?: string; message?: string; next?: string }) {
  return (
    <section class="card narrow">
      <h1>Sign in</h1>
      <FormError message={message} />
      <form method="post" action="/login">
        <CsrfField token={csrf} />
        {next ? <input type="hidden" name="next" value={next} /> : null}
        <Field name="email" label="Email" type="email" value={email} required autocomplete="username" />
        <Field name="password" label="Password" type="password" required autocomplete="current-password" />
        <button type="submit" class="primary">Sign in</button>
      </form>
    </section>
  );
}
