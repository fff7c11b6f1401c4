/**
 * Who made a request, as kube's user.Info: the authenticators produce it, and
 * the layers below the filters (admission in the registry) receive it as an
 * argument.
 */
export interface UserInfo {
  name: string;
  uid?: string;
  groups: string[];
  extra?: Record<string, string[]>;
}
