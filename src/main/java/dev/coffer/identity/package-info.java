/**
 * Who a request comes from, as values every feature shares: {@link dev.coffer.identity.UserId}
 * (validated once, carried to the partition key and the key prefix), {@link
 * dev.coffer.identity.Caller}, and the {@link dev.coffer.identity.Authenticator} contract that
 * auth implements and the HTTP edge calls. Imports no other Coffer package.
 */
package dev.coffer.identity;
